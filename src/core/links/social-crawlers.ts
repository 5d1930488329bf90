// The crawlers social networks and messengers send to build a link's preview card.
const SOCIAL_CRAWLERS = new RegExp([
  'facebookexternalhit', 'facebookcatalog', 'Facebot', 'meta-externalagent', 'Twitterbot', 'LinkedInBot', 'Slackbot',
  'Slack-ImgProxy', 'Discordbot', 'TelegramBot', 'WhatsApp', 'Pinterest', 'redditbot', 'SkypeUriPreview', 'vkShare',
  'Embedly', 'Iframely', 'Mastodon', 'Bluesky', 'Google-PageRenderer', 'Snapchat', 'Viber', 'Line/', 'KakaoTalk',
].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i');

/** Whether a user agent is a social network's crawler building a preview card. */
export function isSocialCrawler(userAgent: string | undefined): boolean {
  return userAgent !== undefined && SOCIAL_CRAWLERS.test(userAgent);
}

/**
 * @module core/conversation/menu
 *
 * The quick-reply topics offered with the welcome and help messages. A topic
 * button expands into the FAQ questions the knowledge base has on that topic,
 * found by search rather than hard-coded ids, so a commune that edits its FAQ
 * files never has to touch code.
 */
import type { ReplyButton } from '../messages.js';
import type { FaqEntry, KnowledgeSearch } from '../ports.js';

export interface MenuTopic {
  readonly value: string;
  readonly label: string;
  /** What to search for to find the FAQ entries of this topic. */
  readonly query: string;
}

export const MENU_TOPICS: readonly MenuTopic[] = [
  { value: 'menu:vneid', label: 'Hỏi về VNeID', query: 'tài khoản định danh điện tử VNeID mức 2 kích hoạt' },
  { value: 'menu:dvc', label: 'Dịch vụ công trực tuyến', query: 'nộp hồ sơ thủ tục trên cổng dịch vụ công trực tuyến' },
  { value: 'menu:lua-dao', label: 'Phòng tránh lừa đảo', query: 'nhận diện lừa đảo trên mạng giả danh công an' },
  { value: 'menu:bdhvs', label: 'Bình dân học vụ số', query: 'phong trào Bình dân học vụ số kế hoạch của xã' },
];

export const MENU_BUTTONS: readonly ReplyButton[] = MENU_TOPICS.map(({ label, value }) => ({ label, value }));

/** Button label for an FAQ question, short enough for a phone screen and Telegram's limits. */
export function faqButton(entry: FaqEntry): ReplyButton {
  const label = entry.question.length > 60 ? `${entry.question.slice(0, 57).replace(/\s+\S*$/, '')}…` : entry.question;
  return { label, value: `faq:${entry.id}` };
}

/** FAQ entries for a topic: those backed by the topic's best documents first. */
export async function topicQuestions(topic: MenuTopic, search: KnowledgeSearch, limit = 4): Promise<FaqEntry[]> {
  const result = await search.search(topic.query, 5);
  const topDocs = new Set(result.documents.slice(0, 3).map((d) => d.ref));
  const preferred = result.faqs.filter((m) => topDocs.has(m.entry.sourceRef)).map((m) => m.entry);
  const rest = result.faqs.map((m) => m.entry).filter((e) => !preferred.includes(e));
  return [...preferred, ...rest].slice(0, limit);
}

/**
 * @module core/quiz/texts
 *
 * What the quiz feature says. Kept apart from the logic so the voice can be
 * reviewed by staff in one place.
 */
import type { Quiz, QuizResult } from './types.js';

export const LIST_INTRO = 'Mời bà con chọn một bài kiểm tra ngắn (mỗi bài vài câu, có giải thích sau từng câu):';
export const NO_QUIZZES = 'Hiện chưa có bài kiểm tra nào. Bà con vui lòng quay lại sau.';
export const UNKNOWN_QUIZ = 'Không tìm thấy bài kiểm tra này. Mời bà con chọn lại trong danh sách.';
export const STALE_ANSWER = 'Câu này đã được trả lời rồi, kết quả không thay đổi. Mời bà con làm tiếp câu đang hỏi:';
export const ATTEMPT_CLOSED = 'Lượt làm bài này đã kết thúc. Bà con có thể chọn làm lại hoặc chọn bài khác.';
export const INVALID_OPTION = 'Lựa chọn không hợp lệ. Mời bà con chọn một trong các đáp án của câu đang hỏi:';
export const QUIZ_CHANGED =
  'Bài kiểm tra này vừa được cán bộ cập nhật nên lượt làm dở không dùng được nữa. Mời bà con làm lại từ đầu.';
export const ABANDONED = 'Đã dừng bài kiểm tra. Bà con có thể làm lại bất cứ lúc nào.';
export const NOTHING_TO_RESUME = 'Bà con không có bài kiểm tra nào đang làm dở.';
/** A typed "thôi" or "dừng" with no quiz in progress: nothing to stop, so just acknowledge it. */
export const NOTHING_TO_STOP = 'Dạ vâng ạ. Bà con cần hỏi gì thêm thì cứ nhắn cho tôi nhé.';
export const CORRECT = '✅ Chính xác!';
export const RESULTS_EMPTY = 'Bà con chưa làm bài kiểm tra nào. Bấm "Làm bài kiểm tra" để bắt đầu nhé.';

export const BTN_TAKE_QUIZ = 'Làm bài kiểm tra';
export const BTN_RETAKE = 'Làm lại bài này';
export const BTN_OTHER = 'Chọn bài khác';
export const BTN_RESULTS = 'Kết quả của tôi';
export const BTN_RESUME = 'Tiếp tục bài đang làm';
export const BTN_QUIT = 'Dừng bài đang làm';

export function busyWith(title: string, done: number, total: number): string {
  return `Bà con đang làm dở bài "${title}" (đã trả lời ${done}/${total} câu). Tiếp tục bài đó hay dừng lại?`;
}

export function resumeHint(title: string): string {
  return `Bà con đang làm dở bài "${title}". Khi sẵn sàng, bấm "${BTN_RESUME}" để làm tiếp.`;
}

export function questionText(quiz: Quiz, index: number): string {
  const q = quiz.questions[index];
  return `${quiz.title} – Câu ${index + 1}/${quiz.questions.length}:\n${q?.text ?? ''}`;
}

export function wrong(rightOption: string): string {
  return `❌ Chưa đúng. Đáp án đúng là: ${rightOption}`;
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;

export function finished(quiz: Quiz, correct: number, passed: boolean): string {
  const head = `Bà con trả lời đúng ${correct}/${quiz.questions.length} câu (${percent(correct / quiz.questions.length)}).`;
  return passed
    ? `${head}\n🎉 Chúc mừng, bà con đã đạt bài "${quiz.title}"! Kết quả đã được ghi nhận.`
    : `${head}\nChưa đạt (cần đúng từ ${percent(quiz.passScore)}). Bà con xem lại giải thích rồi làm lại nhé.`;
}

export const PROGRAMME_DONE =
  '🏅 Bà con đã đạt tất cả các bài bắt buộc và hoàn thành chương trình học kỹ năng số của xã. Xin chúc mừng!';

export function resultsText(
  rows: readonly { quiz: Quiz; result?: QuizResult }[],
  programme: { done: boolean; missing: readonly string[] },
): string {
  const lines = rows
    .filter((r) => r.result && r.result.attempts > 0)
    .map(({ quiz, result }) =>
      result?.firstPassedAt
        ? `✅ ${quiz.title}: đã đạt (điểm cao nhất ${percent(result.bestScore)})`
        : `• ${quiz.title}: chưa đạt (điểm cao nhất ${percent(result?.bestScore ?? 0)}, ${result?.attempts ?? 0} lượt)`,
    );
  if (lines.length === 0) return RESULTS_EMPTY;
  const tail = programme.done
    ? '🏅 Đã hoàn thành chương trình của xã.'
    : programme.missing.length > 0
      ? `Để hoàn thành chương trình của xã, bà con cần đạt thêm: ${programme.missing.join(', ')}.`
      : '';
  return ['Kết quả của bà con:', ...lines, tail].filter(Boolean).join('\n');
}

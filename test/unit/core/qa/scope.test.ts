import { describe, expect, it } from 'vitest';
import { outOfScopeTopic, type OutOfScopeTopic } from '../../../../src/core/qa/scope.js';

describe('outOfScopeTopic', () => {
  it.each<[string, OutOfScopeTopic]>([
    ['thời tiết hôm nay thế nào', 'weather'],
    ['thoi tiet ngay mai', 'weather'],
    ['dự báo thời tiết Nghệ An', 'weather'],
    ['trời mưa không', 'weather'],
    ['kết quả bóng đá tối qua', 'sport'],
    ['tỷ số trận đấu Việt Nam', 'sport'],
    ['kết quả xổ số miền bắc', 'gambling'],
    ['XSMB hôm nay', 'gambling'],
    ['bị sốt cao uống thuốc gì', 'medical'],
    ['đau bụng uống thuốc gì', 'medical'],
    ['bi tieu duong nen an gi', 'medical'],
    ['thủ tục ly hôn', 'legal'],
    ['tranh chấp đất đai với hàng xóm', 'legal'],
    ['chia tài sản thừa kế thế nào', 'legal'],
    ['nhà hàng còn nợ lương em 3 tháng, muốn đòi lại tiền lương thì đến cơ quan nào', 'legal'],
    ['cong ty cham tra luong thi kien o dau', 'legal'],
    ['bị công ty sa thải không báo trước', 'legal'],
    ['giá vàng hôm nay', 'finance'],
    ['kể chuyện cười đi', 'entertainment'],
  ])('puts %j under %s', (question, topic) => {
    expect(outOfScopeTopic(question)).toBe(topic);
  });

  it('matches with and without marks and in NFD', () => {
    const marked = 'Thời tiết hôm nay';
    expect(outOfScopeTopic(marked.normalize('NFD'))).toBe('weather');
    expect(outOfScopeTopic('THOI TIET hom nay')).toBe('weather');
  });

  it.each([
    'khám bệnh không mang thẻ bảo hiểm y tế giấy được không',
    'thủ tục khai sinh',
    'đăng ký khai sinh cho con qua dịch vụ công',
    'đăng ký định danh mức 2',
    'cấp lại thẻ bảo hiểm y tế',
    'đăng ký kết hôn trực tuyến',
    'đăng ký thường trú cần giấy tờ gì',
    'quên mật khẩu vneid',
    'cách nhận biết lừa đảo giả danh công an',
    'bao nhiêu tiền lệ phí cấp căn cước',
  ])('keeps the civic question %j in scope', (question) => {
    expect(outOfScopeTopic(question)).toBeUndefined();
  });
});

describe('outOfScopeTopic: words that fold onto civic words', () => {
  it.each([
    'thông báo số 12 của UBND xã',
    'tài khoản bị cấm đăng nhập',
    'đăng ký khám chữa bệnh ban đầu',
    'dùng VNeID khi đi khám chữa bệnh',
    'mang thai đăng ký khai sinh',
    'hợp đồng mua bán nhà có cần công chứng',
  ])('keeps %j in scope', (q) => {
    expect(outOfScopeTopic(q)).toBeUndefined();
  });

  it.each([
    ['bão số 3 đổ bộ chưa', 'weather'],
    ['tôi bị cảm uống gì', 'medical'],
  ])('still recognises %j when typed with marks', (q, topic) => {
    expect(outOfScopeTopic(q)).toBe(topic);
  });

  it.each([
    'Thưa Luật sư! Cho em hỏi mất bằng lái xe thì làm lại thế nào',
    'nộp sổ để đóng bảo hiểm thì làm sao',
    'bị họ lừa mất tiền rồi phải làm gì',
    'lừa đảo trúng thưởng xổ số qua tin nhắn',
    'nghỉ việc thì công ty có phải trả sổ bảo hiểm xã hội không',
    'đổi lương hưu sang nhận qua tài khoản',
  ])('keeps %j in scope (a field word, or a word that only looks like an off-topic one)', (q) => {
    expect(outOfScopeTopic(q)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { intentFit, intentsOf, isQuestionClause, offerOf } from '../../../../src/core/qa/intent.js';
import { analyzeQuestion, clausesOf, withoutFormalities, withoutQuantities } from '../../../../src/core/qa/question.js';
import { effectiveQuestion, namesNoTopic, topicOf } from '../../../../src/core/qa/followUp.js';
import { askedTerms, headingShare } from '../../../../src/core/qa/choose.js';
import { isVietnameseSyllable, vietnameseShare } from '../../../../src/core/text/syllable.js';

describe('intentsOf', () => {
  it.each([
    ['Tài khoản định danh điện tử là gì?', 'definition'],
    ['cai vneid the nao', 'how'],
    ['làm mức 2 ở đâu', 'where'],
    ['nộp ở xã hay phải lên tỉnh', 'where'],
    ['can giay to gi', 'papers'],
    ['có mất tiền không', 'cost'],
    ['chua dang ky vneid co bi phat ko', 'penalty'],
    ['ai được cấp tài khoản định danh', 'who'],
    ['mất bao lâu thì có', 'duration'],
    ['mục tiêu bao nhiêu phần trăm năm 2025', 'amount'],
    ['những trường hợp nào phải khai báo tạm vắng', 'who'],
    ['có bắt buộc phải làm căn cước cho con không', 'who'],
    ['có những hình thức khai báo tạm vắng nào', 'how'],
    ['ứng dụng này do ai phát triển', 'who'],
  ])('%j asks for %s', (q, intent) => {
    expect(intentsOf(q)).toContain(intent);
  });

  it('keeps "how" only when nothing more precise is asked', () => {
    expect(intentsOf('đăng ký ở đâu')).toEqual(['where']);
  });

  it.each([
    'người khuyết tật có được làm thẻ căn cước không?',
    'sức khỏe còn yếu thì có được nghỉ thêm không',
    'vay co phai lua dao ko',
    'nghỉ việc rồi thẻ BHYT dùng được không',
    // A place in the story ("làm ở Hàn Quốc") is not a question where to do it.
    'cho em hỏi đi làm ở hàn quốc có cần khai báo tạm vắng không',
  ])('%j asks for a yes or no', (q) => {
    expect(intentsOf(q)).toEqual(['yesno']);
  });

  it('drops the yes/no form when the question asks something more precise', () => {
    expect(intentsOf('làm mức 2 có mất tiền không')).toEqual(['cost']);
    expect(intentsOf('chưa đăng ký có bị phạt không')).toEqual(['penalty']);
  });

  it('reads "luật quy định về X như thế nào" as asking what X is and what holds for it, not for steps', () => {
    expect(intentsOf('Luật Căn cước quy định về căn cước điện tử như thế nào?')).toEqual(['definition']);
    expect(intentsOf('phap luat quy dinh ra sao ve viec nay')).toEqual(['definition']);
    // A procedure named in the clause still asks for steps.
    expect(intentsOf('thủ tục thông báo lưu trú được quy định như thế nào')).toContain('how');
  });

  it('reads "có nên … không" as a yes/no question', () => {
    expect(intentsOf('Xin hỏi tôi có nên tiếp tục đóng BHXH không?')).toEqual(['yesno']);
    expect(intentsOf('co nen mua bhyt cho ca nha khong')).toEqual(['yesno']);
  });

  it('reads "tại sao" as asking for a reason', () => {
    expect(intentsOf('tại sao phải lên công an lăn tay lại')).toContain('why');
    expect(intentsOf('vi sao the bhyt cua toi bi khoa')).toContain('why');
  });
});

describe('intentFit for yes/no questions', () => {
  const asked = intentsOf('người khuyết tật có được làm thẻ căn cước không?');

  it('prefers a passage that answers yes or no plainly, and never penalises one that does not', () => {
    const plain = intentFit(
      asked,
      offerOf('Người khuyết tật làm thẻ thế nào', 'Được. Người khuyết tật được cấp thẻ như mọi công dân.'),
    );
    const none = intentFit(asked, offerOf('Làm thẻ ở đâu', 'Bà con đến công an xã nơi cư trú.'));
    const heading = intentFit(
      asked,
      offerOf('Người khuyết tật có được làm thẻ căn cước không?', 'Cán bộ ghi lại tình trạng.'),
    );
    expect(none).toBe(0.5);
    expect(plain).toBeGreaterThan(none);
    expect(heading).toBeGreaterThan(plain);
    // A heading in the same yes/no form is weaker evidence than one asking the same precise thing.
    expect(heading).toBeLessThan(intentFit(['where'], offerOf('Làm thẻ ở đâu?', '')));
  });
});

describe('isQuestionClause', () => {
  it.each(['có mất tiền không', 'làm ở đâu', 'sao ko dang nhap dc'])('%j asks', (c) => {
    expect(isQuestionClause(c)).toBe(true);
  });
  it.each(['tôi muốn hỏi về lệ phí cấp đổi', 'Em muốn biết phải nộp ở chỗ nào'])('%j announces a question', (c) => {
    expect(isQuestionClause(c)).toBe(true);
  });
  it.each([
    'Tôi năm nay 68 tuổi',
    'con cái đi làm xa hết',
    'máy cũ đã reset',
    'bản sao giấy khai sinh',
    // Wanting something is part of a story, not a question.
    'nhà tôi muốn đi làm ăn xa một thời gian',
  ])('%j is story', (c) => {
    expect(isQuestionClause(c)).toBe(false);
  });
});

describe('analyzeQuestion', () => {
  it('ends a spoken sentence at "ạ", so a run-on message typed without stops is two questions', () => {
    const a = analyzeQuestion(
      'cho cháu hỏi nhà cháu mất sổ đỏ thì báo mất ở xã hay phải lên tỉnh ạ xong rồi xin cấp lại thì cần giấy tờ gì',
    );
    expect(a.parts).toHaveLength(2);
    expect(a.parts[0]?.intents).toContain('where');
    expect(a.parts[1]?.intents).toContain('papers');
  });

  it('reads "căn cước" as a topic although "can" folded is "cần", so the story stays out', () => {
    const a = analyzeQuestion(
      'Cháu nhà tôi mới lên 3. Tuần trước tổ trưởng đến báo cả xóm đi làm giấy tờ. Vậy cho hỏi có bắt buộc làm căn cước cho cháu không?',
    );
    expect(a.focus).not.toContain('tổ trưởng');
    expect(a.focus).toContain('căn cước');
  });

  it('finds the two questions at the end of a story and leaves the story out of the focus', () => {
    const a = analyzeQuestion(
      'Tôi năm nay 68 tuổi, con cái đi làm xa hết, muốn làm định danh mức 2 thì có phải lên huyện không, có mất tiền không?',
    );
    expect(a.parts).toHaveLength(2);
    expect(a.parts[0]?.intents).toContain('where');
    expect(a.parts[1]?.intents).toContain('cost');
    expect(a.focus).not.toContain('68 tuổi');
    expect(a.focus).toContain('định danh mức 2');
    // The story around the question is left out of what is searched.
    expect(a.focus).not.toContain('con cái');
  });

  it('cuts at "còn" and "nhưng" typed with marks, never at "con" (child) or "những"', () => {
    expect(clausesOf('Tôi có con trai 4 tuổi, còn vợ tôi thì ở quê')).toEqual([
      'Tôi có con trai 4 tuổi',
      'còn vợ tôi thì ở quê',
    ]);
    expect(clausesOf('Tôi đã đăng ký nhưng chưa được duyệt')).toEqual(['Tôi đã đăng ký', 'nhưng chưa được duyệt']);
    expect(clausesOf('lam can cuoc cho con can nhung giay to gi')).toEqual([
      'lam can cuoc cho con can nhung giay to gi',
    ]);
    // "không còn", "vẫn còn": "still", "no longer", not a joint; a stranded "không" used to read as a question.
    expect(clausesOf('Tôi năm nay 55 tuổi, không còn đi làm cho công ty đã lâu')).toEqual([
      'Tôi năm nay 55 tuổi',
      'không còn đi làm cho công ty đã lâu',
    ]);
    expect(clausesOf('Thẻ của tôi vẫn còn hạn')).toEqual(['Thẻ của tôi vẫn còn hạn']);
  });

  it('leaves the legal column formula out of the focus', () => {
    expect(withoutFormalities('Theo quy định của pháp luật hiện hành thì ai phải khai báo tạm vắng?')).toBe(
      'thì ai phải khai báo tạm vắng?',
    );
    expect(withoutFormalities('theo quy dinh hien nay co phai doi the khong')).toBe('co phai doi the khong');
    // "quy định" as the topic stays.
    expect(withoutFormalities('quy định về tạm trú là gì')).toBe('quy định về tạm trú là gì');
    expect(analyzeQuestion('Cho tôi hỏi theo quy định hiện hành thì khai báo tạm vắng ở đâu?').terms).not.toContain(
      'hanh',
    );
  });

  it('reads the phrases of a question through a doubled letter, as the index reads its words', () => {
    // "ttheo" hid the legal column formula, whose words then diluted the focus.
    const slipped = analyzeQuestion('thu tuc lam lai giay khai sinh do bi mat ttheo quy dinh phap luat ?');
    expect(slipped.focus).toBe(
      analyzeQuestion('thu tuc lam lai giay khai sinh do bi mat theo quy dinh phap luat ?').focus,
    );
    expect(slipped.terms).not.toContain('phap');
  });

  it('takes a complaint with no asking clause whole', () => {
    const q = 'Máy cũ đã reset ngay khi giao cho cửa hàng nên không có cách nào vào được VNeID';
    expect(analyzeQuestion(q).focus).toBe(q);
  });
});

describe('follow-ups', () => {
  it('joins an elliptic question to the last topic', () => {
    expect(effectiveQuestion('làm ở đâu?', 'dinh danh muc 2')).toEqual({
      question: 'dinh danh muc 2 làm ở đâu?',
      elliptic: true,
    });
    expect(effectiveQuestion('còn mức 1 thì sao?', 'dinh danh')?.elliptic).toBe(true);
  });

  it.each([
    ['khai báo tạm vắng là gì', 'khai bao tam vang'],
    ['đăng ký khai tử ở đâu', 'khai tu'],
    ['mất thẻ căn cước làm lại ở đâu', 'can cuoc lam'],
    ['bảo hiểm y tế hộ gia đình mua ở đâu', 'bao hiem y te ho gia dinh mua'],
  ])('remembers the topic of %j whole, though its folded syllables are common words', (q, topic) => {
    // "báo" folds to "bao" (bao lâu), "vắng" to "vang" (vâng), "tử" to "tu" (từ), "thẻ" to "the" (thế).
    expect(topicOf(analyzeQuestion(q))).toBe(topic);
  });

  it('leaves a question with a topic of its own alone', () => {
    expect(effectiveQuestion('cách nhận biết tin nhắn lừa đảo giả danh ngân hàng', 'dinh danh')).toBeUndefined();
  });

  it.each([
    ['can giay to gi', true],
    ['mất bao lâu', true],
    ['nộp hồ sơ thế nào', false],
    ['vneid là gì', false],
  ])('namesNoTopic(%j) is %s', (q, expected) => {
    expect(namesNoTopic(q)).toBe(expected);
  });
});

describe('Vietnamese syllable shape', () => {
  it.each(['can', 'giay', 'nghieng', 'khuya', 'truong', 'to', 'in'])('%j is a syllable', (t) => {
    expect(isVietnameseSyllable(t)).toBe(true);
  });
  it.each(['vneidd', 'password', 'register', 'where', 'facebok', 'dangky'])('%j is not', (t) => {
    expect(isVietnameseSyllable(t)).toBe(false);
  });
  it('measures the share of Vietnamese-shaped words', () => {
    expect(vietnameseShare(['can', 'giay', 'to', 'gi'])).toBe(1);
    expect(vietnameseShare(['how', 'do', 'i', 'register'])).toBe(0.5);
  });
});

describe('headingShare', () => {
  it("counts a heading in the documents' wording as the same question (synonyms)", () => {
    expect(headingShare('Đăng ký VNeID có mất tiền không?', askedTerms('định danh mức 2 có mất tiền không'))).toBe(1);
  });
  it('halves a "what comes after" heading the question does not ask about', () => {
    expect(headingShare('Sau khi đăng ký mức 2 thì làm gì tiếp?', askedTerms('đăng ký mức 2 thế nào'))).toBe(0.5);
    expect(headingShare('Sau khi đăng ký mức 2 thì làm gì tiếp?', askedTerms('sau khi đăng ký mức 2 làm gì'))).toBe(1);
  });
  it('does not judge headings that are not questions', () => {
    expect(headingShare('Các bước', askedTerms('cài vneid'))).toBe(1);
  });
});

describe('withoutQuantities', () => {
  it.each([
    ['bị lừa chuyển khoản 5 triệu rồi', 'bị lừa chuyển khoản rồi'],
    ['thùng hàng 31kg gửi về', 'thùng hàng gửi về'],
    ['định danh mức 2', 'định danh mức 2'],
    ['gọi 113 có mất tiền', 'gọi 113 có mất tiền'],
    ['định danh mức 2 can giay to gi', 'định danh mức 2 can giay to gi'],
    ['muc 2 k biet lam', 'muc 2 k biet lam'],
    ['làm căn cước cho bé 3 tuổi', 'làm căn cước cho bé 3 tuổi'],
  ])('%j → %j', (q, want) => {
    expect(withoutQuantities(q)).toBe(want);
  });
});

describe('isQuestionClause and the story around a question', () => {
  it.each([
    'Tôi cũng không nghi ngờ gì vì đúng là tôi đã thành khách hàng',
    'ai cũng bảo là lừa đảo',
    'có người nào đó gọi cho tôi',
    'tôi chưa làm gì sai',
    'bất kỳ ai cũng có thể làm',
  ])('%j tells the story: "gì", "nào", "ai" there do not ask', (clause) => {
    expect(isQuestionClause(clause)).toBe(false);
  });

  it.each(['em không biết phải làm gì', 'cần giấy tờ gì', 'không làm gì được không', 'ai được cấp tài khoản'])(
    '%j still asks',
    (clause) => {
      expect(isQuestionClause(clause)).toBe(true);
    },
  );
});

import { describe, expect, it } from 'vitest';
import {
  answerTypes,
  askedTypes,
  DATE_TOKEN,
  MONEY_TOKEN,
  NUMBER_TOKEN,
  PERSON_TOKEN,
  WEEKDAY_TOKEN,
} from './answer-types.js';

describe('answer types', () => {
  it('marks objects holding an amount of money, in either language', () => {
    for (const object of ['$85k before tax', '月薪1.5万', '¥3,200 a month', '每月房租三千元', '40 bucks a week'])
      expect(answerTypes(object)).toContain(MONEY_TOKEN);
    for (const object of ['3 cats', '2027年3月', '每周三次', 'five kilometres'])
      expect(answerTypes(object)).not.toContain(MONEY_TOKEN);
  });

  it('reads "how much do I make" and 多少钱 as asking for money, "how much sleep" not', () => {
    expect(askedTypes('how much do i make')).toEqual([NUMBER_TOKEN, MONEY_TOKEN]);
    expect(askedTypes('他一个月挣多少')).toContain(MONEY_TOKEN);
    expect(askedTypes('这个多少钱')).toContain(MONEY_TOKEN);
    expect(askedTypes('how much sleep does she get')).toEqual([NUMBER_TOKEN]);
    expect(askedTypes('when is her birthday')).toEqual([DATE_TOKEN]);
  });

  it('marks triples naming a weekday in the predicate or the object, and "which day" asks for one', () => {
    expect(answerTypes('Oregon Food Bank, Wednesday mornings 8-11')).toContain(WEEKDAY_TOKEN);
    expect(answerTypes('bridge at the Estoril club', 'Friday afternoons')).toContain(WEEKDAY_TOKEN);
    expect(answerTypes('Bilibili 直播', '每周五晚')).toContain(WEEKDAY_TOKEN);
    expect(answerTypes('hybrid, in the office Tues and Thurs')).toContain(WEEKDAY_TOKEN);
    for (const object of ['12月21日', 'sat the exam in 2019', 'sun cream', '2027年1月24日'])
      expect(answerTypes(object)).not.toContain(WEEKDAY_TOKEN);
    for (const q of [
      'which weekday is my shift',
      'which days does the cleaner come in',
      '理疗是星期几',
      '我哪几天休息',
    ])
      expect(askedTypes(q)).toContain(WEEKDAY_TOKEN);
    expect(askedTypes('when is her birthday')).not.toContain(WEEKDAY_TOKEN);
  });

  it('marks objects starting with a name or a title, and "who"/谁 asks for one', () => {
    for (const object of ['Marla Jensen, handles his taxes', 'Dr. Samuel Hirsch', 'Sam Reyes', 'tutor Mrs Silva'])
      expect(answerTypes(object)).toContain(PERSON_TOKEN);
    for (const object of ['hard cider instead of beer', 'Portuguese on Duolingo', 'Blue Cross marketplace plan'])
      expect(answerTypes(object)).not.toContain(PERSON_TOKEN);
    expect(askedTypes('who does my books')).toContain(PERSON_TOKEN);
    expect(askedTypes('我的直属上级是谁')).toContain(PERSON_TOKEN);
    expect(askedTypes('what does he drink')).not.toContain(PERSON_TOKEN);
  });
});

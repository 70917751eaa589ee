import { describe, expect, it } from 'vitest';
import { answerTypes, askedTypes, DATE_TOKEN, MONEY_TOKEN, NUMBER_TOKEN } from './answer-types.js';

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
});

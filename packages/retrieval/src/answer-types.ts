/**
 * Answer types: what kind of value a question asks for ("how many" → a number, "when" → a
 * date), and whether a triple's object holds one. A question word shares no word with its
 * answer ("how many people work there" / "four part-time baristas"), so the index marks
 * objects holding numbers or dates with a type token, and the query asks for it.
 */

/** Token of objects holding a number or amount; not producible by {@link tokenize}. */
export const NUMBER_TOKEN = '\u0001number';
/** Token of objects holding a date, a time of day or year, or a recurring time. */
export const DATE_TOKEN = '\u0001date';

// Digits, English number words, Chinese numerals before a measure word or after 第.
const NUMBER =
  /\p{Nd}|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|half|once|twice|single|couple)\b|第[一二两三四五六七八九十百]|[一二两三四五六七八九十百千万半][个位名只条次年月日天周岁元块万千百亿台辆套间口]/iu;
// Month and weekday names, years, Chinese dates and festivals, seasons and recurring times.
const DATE =
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekends?|weekly|daily|monthly|yearly|spring|summer|autumn|fall|winter|christmas|tomorrow|yesterday|tonight|morning|evening|night|(?:19|20)\d\d|\d{1,2}\s*(?:am|pm)|\d{1,2}:\d\d)\b|[0-9一二三四五六七八九十两]+\s*[月日号点年]|周[一二三四五六日末]|星期|春节|国庆|中秋|端午|元旦|暑假|寒假|周末|每天|每周|每月|每年|早上|晚上|凌晨|下午|上午|明年|去年|今年|[春夏秋冬]天/iu;

/** Token of objects holding an amount of money (a currency sign or word, an amount in 元/万/k). */
export const MONEY_TOKEN = '\u0001money';

const MONEY =
  /[$¥€£￥]|\b(?:usd|rmb|cny|eur|gbp|dollars?|bucks|yuan|euros?|pounds? sterling)\b|\d\s*k\b|\d[\d,.]*\s*(?:元|块|万|千)|[一二两三四五六七八九十百千万]+\s*(?:元|块钱|万块)/iu;

/** The answer-type tokens of an object: {@link NUMBER_TOKEN} and/or {@link DATE_TOKEN}. */
export function answerTypes(object: string): string[] {
  const out: string[] = [];
  if (NUMBER.test(object)) out.push(NUMBER_TOKEN);
  if (DATE.test(object)) out.push(DATE_TOKEN);
  if (MONEY.test(object)) out.push(MONEY_TOKEN);
  return out;
}

// Question forms asking for each type, on the folded query.
const ASKS: readonly (readonly [RegExp, string])[] = [
  [/\bhow (?:many|much|long|often|old|far)\b|多少|几[个位口次岁年天岁号点]|多大|多久|多长|多远|几个/u, NUMBER_TOKEN],
  [
    /\bwhen\b|\bwhat (?:time|day|date|year|month)\b|\bhow (?:long|often)\b|什么时候|几时|哪天|哪年|几月|几号|几点|多久|何时|日期/u,
    DATE_TOKEN,
  ],
  [
    /\bhow much (?:do|does|did|is|are|was|were|will|would)\b|\bhow much money\b|多少钱|挣多少|赚多少|花多少|收入多少|工资多少|月薪多少|年薪多少/u,
    MONEY_TOKEN,
  ],
];

/** The answer-type tokens a (folded) question asks for. */
export function askedTypes(foldedQuery: string): string[] {
  const out: string[] = [];
  for (const [pattern, token] of ASKS) if (pattern.test(foldedQuery)) out.push(token);
  return out;
}

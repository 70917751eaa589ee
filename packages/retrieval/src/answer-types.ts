/**
 * Answer types: what kind of value a question asks for ("how many" → a number, "when" → a
 * date, "which day" → a weekday, "who" → a person), and whether a triple holds one. A question word shares no word with its
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

/** Token of triples naming a day of the week (in the predicate or the object). */
export const WEEKDAY_TOKEN = '\u0001weekday';

// A day of the week, in English (names, plurals, common abbreviations) or Chinese (周三, 星期三,
// 礼拜三, 周末): a closed class, like month names. "sat"/"sun" alone are words too: only spelt out.
const WEEKDAY =
  /\b(?:(?:mon|tues?|wednes|thurs?|fri)(?:days?)?|saturdays?|sundays?|weekdays?|weekends?|wed|weds)\b|(?:周|星期|礼拜)[一二三四五六日天末]/iu;

/**
 * Token of objects naming a person: a title before a name, or an object that starts with a
 * capitalised full name ("Marla Jensen, handles his taxes"); the index adds objects naming
 * someone its triples say more about.
 */
export const PERSON_TOKEN = '\u0001person';

// Case matters here (a name is capitalised), so no `i` flag.
const PERSON =
  /(?:^|[\s(,;:])(?:[Dd]r|[Mm]rs?|[Mm]s|[Mm]iss|[Pp]rof)\.?\s+\p{Lu}|^\p{Lu}[\p{Ll}'-]+(?:\s+\p{Lu}[\p{Ll}'-]+){1,2}(?:$|\s*[,(;，（])/u;

/**
 * The answer-type tokens of a triple: {@link NUMBER_TOKEN}, {@link DATE_TOKEN},
 * {@link MONEY_TOKEN} and {@link PERSON_TOKEN} of its object; {@link WEEKDAY_TOKEN} of its predicate or object, since a
 * routine is often stated with its day as the relation ("Friday afternoons" → "bridge at the club").
 */
export function answerTypes(object: string, predicate = ''): string[] {
  const out: string[] = [];
  if (NUMBER.test(object)) out.push(NUMBER_TOKEN);
  if (DATE.test(object)) out.push(DATE_TOKEN);
  if (MONEY.test(object)) out.push(MONEY_TOKEN);
  if (WEEKDAY.test(object) || WEEKDAY.test(predicate)) out.push(WEEKDAY_TOKEN);
  if (PERSON.test(object)) out.push(PERSON_TOKEN);
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
  [
    /\b(?:which|what) (?:days?|weekdays?|nights?|evenings?|mornings?|afternoons?)\b|\bday of the week\b|星期几|周几|礼拜几|哪几天|哪天晚上|哪天上午|哪天下午/u,
    WEEKDAY_TOKEN,
  ],
  [/\bwho(?:m|se)?\b|谁/u, PERSON_TOKEN],
];

/** The answer-type tokens a (folded) question asks for. */
export function askedTypes(foldedQuery: string): string[] {
  const out: string[] = [];
  for (const [pattern, token] of ASKS) if (pattern.test(foldedQuery)) out.push(token);
  return out;
}

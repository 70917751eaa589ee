import { InMemoryLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { describe, expect, it } from 'vitest';
import { addKnowledgeTriples, saveKnowledgeTriples, type Triple } from '@memory/semantics';
import {
  KnowledgeIndexCache,
  createRetriever,
  defaultRetrieverData,
  retrieveRelevantKnowledge,
  substringRetrieve,
} from './index.js';

const triples: Triple[] = [
  ['用户', '使用', 'BOS'],
  ['用户', '部署', 'AI服务'],
  ['用户', '喜欢喝', '手冲咖啡，不加糖'],
  ['user', 'prefers', 'PostgreSQL for vector search'],
  ['用户', '住在', '杭州'],
  ['user', 'is learning', 'Rust'],
  ['用户', '对', '青霉素过敏'],
  ['user', 'uses', 'bos-sdk for uploads'],
];

function counting(inner: LongTermStorage) {
  const calls = { get: 0, head: 0 };
  const storage: LongTermStorage = {
    capabilities: inner.capabilities,
    getObject: (k) => (calls.get++, inner.getObject(k)),
    headObject: (k) => (calls.head++, inner.headObject(k)),
    putObject: (k, b, o) => inner.putObject(k, b, o),
    deleteObject: (k) => inner.deleteObject(k),
    listPrefix: (p) => inner.listPrefix(p),
    iteratePrefix: (p) => inner.iteratePrefix(p),
  };
  return { storage, calls };
}

async function setup(list: Triple[] = triples) {
  const storage = new InMemoryLongTermStorage();
  await saveKnowledgeTriples(storage, 'u1', list);
  return storage;
}

describe('retrieveRelevantKnowledge', () => {
  it('returns what the original returned first, in file order, for queries it answered', async () => {
    const storage = await setup();
    for (const q of ['BOS', 'bos', '咖啡', 'PostgreSQL', '用户 住', 'sql']) {
      const original = substringRetrieve(triples, q, 5);
      expect(original.length).toBeGreaterThan(0);
      const ours = await retrieveRelevantKnowledge(storage, 'u1', q, { topK: 5, cache: false });
      expect(ours.slice(0, original.length)).toEqual(original);
    }
  });

  it('returns the first topK in file order for an empty query, and accepts topK as a number', async () => {
    const storage = await setup();
    expect(await retrieveRelevantKnowledge(storage, 'u1', '')).toEqual(triples.slice(0, 5));
    expect(await retrieveRelevantKnowledge(storage, 'u1', '', 2)).toEqual(triples.slice(0, 2));
  });

  it('finds triples for natural questions in Chinese, English and both', async () => {
    const storage = await setup();
    expect((await retrieveRelevantKnowledge(storage, 'u1', '用户平时喝什么咖啡？', 1))[0]?.[2]).toBe(
      '手冲咖啡，不加糖',
    );
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'Which database does the user prefer?', 1))[0]?.[2]).toBe(
      'PostgreSQL for vector search',
    );
    expect((await retrieveRelevantKnowledge(storage, 'u1', '他对什么药过敏', 1))[0]?.[2]).toBe('青霉素过敏');
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'what is he learning these days', 1))[0]?.[2]).toBe('Rust');
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'what does he drink', 1))[0]?.[2]).toBe('手冲咖啡，不加糖');
  });

  it('finds words despite a typo, and derived forms of a word the triples do not hold', async () => {
    const storage = await setup([...triples, ['user', 'works as', 'a maths teacher']]);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'any alergies?', 1))[0]?.[2]).toBe('青霉素过敏');
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'is he lerning anything', 1))[0]?.[2]).toBe('Rust');
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'what does he teach', 1))[0]?.[2]).toBe('a maths teacher');
  });

  it("maps substring matches to the right triple when lower-casing changes a text's length", async () => {
    const list: Triple[] = [
      ['user', 'visited', 'İstanbul'],
      ['user', 'likes', 'tea'],
      ['user', 'likes', 'coffee'],
    ];
    const storage = await setup(list);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'likes coffee', { cache: false })).slice(0, 2)).toEqual([
      list[2],
      list[1],
    ]);
    expect(
      (await retrieveRelevantKnowledge(storage, 'u1', 'İSTANBUL', { cache: false, withScores: true }))[0],
    ).toMatchObject({ exact: true, position: 0 });
  });

  it('finds the same substring matches on every search of an index, not only the first', () => {
    // From the second search on, a bitmap of character pairs skips questions that cannot match.
    const index = createRetriever().index(triples);
    const exact = (q: string) =>
      index
        .search(q, 8)
        .filter((r) => r.exact)
        .map((r) => r.position);
    for (let round = 0; round < 3; round++) {
      expect(exact('咖啡，不')).toEqual([2]);
      expect(exact('bos')).toEqual([0, 7]);
      expect(exact('or vec')).toEqual([3]);
      expect(exact('咖啡加糖')).toEqual([]);
      expect(exact('s\u0000u')).toEqual([]);
    }
  });

  it('folds width and case (NFKC) when matching tokens', async () => {
    const storage = await setup();
    const [top] = await retrieveRelevantKnowledge(storage, 'u1', 'ＰＯＳＴＧＲＥＳＱＬ ｖｅｃｔｏｒ', 1);
    expect(top?.[2]).toBe('PostgreSQL for vector search');
  });

  it('returns scores on request, best first, and nothing for a query that matches nothing', async () => {
    const storage = await setup();
    const scored = await retrieveRelevantKnowledge(storage, 'u1', 'coffee without sugar 咖啡', {
      withScores: true,
      topK: 3,
    });
    expect(scored[0]).toMatchObject({ triple: triples[2], exact: false, ended: false, position: 2 });
    for (let i = 1; i < scored.length; i++) expect(scored[i]!.score).toBeLessThanOrEqual(scored[i - 1]!.score);
    expect(await retrieveRelevantKnowledge(storage, 'u1', 'zzzz qqqq', 5)).toEqual([]);
    expect(await retrieveRelevantKnowledge(storage, 'nobody', 'coffee', 5)).toEqual([]);
  });

  it('never ranks a superseded triple above a current one, and can leave them out', async () => {
    const storage = new InMemoryLongTermStorage();
    await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '北京市朝阳区']], {
      now: new Date('2024-01-01T00:00:00Z'),
    });
    await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '杭州']], {
      singleValued: ['住在'],
      now: new Date('2025-01-01T00:00:00Z'),
    });
    // "北京" is an exact substring of the old value only, and still the current one comes first.
    const scored = await retrieveRelevantKnowledge(storage, 'u1', '用户住在北京', { withScores: true });
    expect(scored.map((s) => [s.triple[2], s.ended])).toEqual([
      ['杭州', false],
      ['北京市朝阳区', true],
    ]);
    expect(await retrieveRelevantKnowledge(storage, 'u1', '住在', { includeEnded: false })).toHaveLength(1);
  });

  it('ranks superseded triples with current ones, by score, when the question asks about the past', async () => {
    const storage = new InMemoryLongTermStorage();
    await addKnowledgeTriples(
      storage,
      'u1',
      [
        ['用户', '住在', '北京'],
        ['用户', '喜欢', '爬山'],
      ],
      { now: new Date('2024-01-01T00:00:00Z') },
    );
    await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '杭州']], {
      singleValued: ['住在'],
      now: new Date('2025-01-01T00:00:00Z'),
    });
    const past = await retrieveRelevantKnowledge(storage, 'u1', '他以前住在哪', { withScores: true, topK: 2 });
    expect(past.map((s) => [s.triple[2], s.ended])).toEqual([
      ['北京', true],
      ['杭州', false],
    ]);
    expect((await retrieveRelevantKnowledge(storage, 'u1', '他住在哪', 1))[0]?.[2]).toBe('杭州');
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'where did he live before', 1))[0]?.[2]).toBe('北京');
  });
});

describe('retrieval over a stored list with a line that is not JSON', () => {
  it('fails with the key and line by default, and skips the line in tolerant mode', async () => {
    const storage = new InMemoryLongTermStorage();
    await storage.putObject('knowledge/u1.jsonl', '["u", "likes", "tea"]\n{broken\n["u", "likes", "coffee"]');
    const cache = new KnowledgeIndexCache();
    await expect(retrieveRelevantKnowledge(storage, 'u1', 'likes', { cache })).rejects.toThrow(
      /knowledge\/u1\.jsonl line 2 is not JSON/,
    );
    const skipped: number[] = [];
    const found = await retrieveRelevantKnowledge(storage, 'u1', 'coffee', {
      cache,
      tolerant: true,
      onSkip: (s) => skipped.push(s.line),
    });
    expect(found[0]).toEqual(['u', 'likes', 'coffee']);
    expect(found).toHaveLength(2);
    expect(skipped).toEqual([2]);
    await expect(retrieveRelevantKnowledge(storage, 'u1', 'likes', { cache })).rejects.toThrow(/line 2/);
  });
});

describe('createRetriever', () => {
  const bakery: Triple[] = [
    ['user', 'bakes', 'levain loaves on weekends'],
    ['user', 'drinks', 'oolong tea'],
    ['user', 'lives in', 'Lyon'],
  ];

  it("takes a deployment's synonyms beside the shipped ones, without changing other retrievers", async () => {
    const storage = await setup(bakery);
    const defaults = defaultRetrieverData();
    const mine = createRetriever({ synonyms: [defaults.synonyms, 'sourdough, levain, 酸面包'] });
    const plain = createRetriever();
    expect((await mine.retrieve(storage, 'u1', 'does she make sourdough', 1))[0]?.[2]).toBe(
      'levain loaves on weekends',
    );
    const plainTop = await plain.retrieve(storage, 'u1', 'does she make sourdough', { topK: 1, withScores: true });
    expect(plainTop.filter((r) => r.score > 0)).toEqual([]);
    // The shipped lexicon still works in the extended retriever: 茶 → tea.
    expect((await mine.retrieve(storage, 'u1', '她喝什么茶', 1))[0]?.[2]).toBe('oolong tea');
  });

  it('replaces a resource when given alone, and applies one-way rules one way', async () => {
    const storage = await setup(bakery);
    const r = createRetriever({ synonyms: 'bread => levain' });
    expect((await r.retrieve(storage, 'u1', 'bread', 1))[0]?.[2]).toBe('levain loaves on weekends');
    const back = await r.retrieve(storage, 'u1', 'levain', { topK: 3, withScores: true });
    expect(back.filter((x) => x.score > 0)).toHaveLength(1);
  });

  it('takes weights one by one and keeps its own cache', async () => {
    const storage = await setup(bakery);
    const a = createRetriever({ synonyms: 'sourdough, levain', weights: { synonym: 0.2 } });
    const b = createRetriever({ synonyms: 'sourdough, levain' });
    expect(a.weights.synonym).toBe(0.2);
    expect(a.weights.concept).toBe(b.weights.concept);
    const [viaA] = await a.retrieve(storage, 'u1', 'sourdough', { topK: 1, withScores: true });
    const [viaB] = await b.retrieve(storage, 'u1', 'sourdough', { topK: 1, withScores: true });
    expect(viaB!.score).toBeGreaterThan(viaA?.score ?? 0);
    expect(a.cache).not.toBe(b.cache);
    expect(a.cache.loads).toBe(1);
  });

  it('rejects malformed data when created, naming the line', () => {
    expect(() => createRetriever({ categories: 'drink coffee' })).toThrow(/category line 1/);
  });
});

describe('KnowledgeIndexCache', () => {
  it('downloads and indexes once per etag; a repeated query costs one headObject', async () => {
    const { storage, calls } = counting(await setup());
    const cache = new KnowledgeIndexCache();
    await retrieveRelevantKnowledge(storage, 'u1', 'coffee', { cache });
    await retrieveRelevantKnowledge(storage, 'u1', '咖啡', { cache });
    await retrieveRelevantKnowledge(storage, 'u1', 'rust', { cache });
    expect(calls).toEqual({ get: 1, head: 3 });
    expect(cache.loads).toBe(1);
    await addKnowledgeTriples(storage, 'u1', [['user', 'drinks', 'oolong tea']]);
    calls.get = 0;
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'oolong', { cache }))[0]?.[2]).toBe('oolong tea');
    expect(calls.get).toBe(1);
    expect(cache.loads).toBe(2);
  });

  it('shares one download among concurrent lookups', async () => {
    const { storage, calls } = counting(await setup());
    const cache = new KnowledgeIndexCache();
    await Promise.all(Array.from({ length: 5 }, () => retrieveRelevantKnowledge(storage, 'u1', 'coffee', { cache })));
    expect(calls.get).toBe(1);
  });

  it('evicts the least recently used index by entries and by bytes', async () => {
    const storage = new InMemoryLongTermStorage();
    for (const u of ['a', 'b', 'c']) await saveKnowledgeTriples(storage, u, triples);
    const cache = new KnowledgeIndexCache({ maxEntries: 2 });
    await retrieveRelevantKnowledge(storage, 'a', 'x', { cache });
    await retrieveRelevantKnowledge(storage, 'b', 'x', { cache });
    await retrieveRelevantKnowledge(storage, 'a', 'x', { cache }); // a is now the most recent
    await retrieveRelevantKnowledge(storage, 'c', 'x', { cache }); // evicts b
    expect(cache.size).toBe(2);
    const loads = cache.loads;
    await retrieveRelevantKnowledge(storage, 'a', 'x', { cache });
    expect(cache.loads).toBe(loads);
    await retrieveRelevantKnowledge(storage, 'b', 'x', { cache });
    expect(cache.loads).toBe(loads + 1);

    const size = (await storage.headObject('knowledge/a.jsonl'))!.size;
    const small = new KnowledgeIndexCache({ maxBytes: size * 1.5 });
    await retrieveRelevantKnowledge(storage, 'a', 'x', { cache: small });
    await retrieveRelevantKnowledge(storage, 'b', 'x', { cache: small });
    expect(small.size).toBe(1);
  });

  it('keeps separate indexes for separate storage backends with the same key', async () => {
    const one = await setup([['u', 'likes', 'tea']]);
    const two = await setup([['u', 'likes', 'coffee']]);
    const cache = new KnowledgeIndexCache();
    expect(await retrieveRelevantKnowledge(one, 'u1', 'likes', { cache })).toEqual([['u', 'likes', 'tea']]);
    expect(await retrieveRelevantKnowledge(two, 'u1', 'likes', { cache })).toEqual([['u', 'likes', 'coffee']]);
  });
});

describe('retrieval mechanisms', () => {
  const people: Triple[] = [
    ['user', 'hasPet', 'a cat named Mochi'],
    ['user', 'from', 'Minneapolis'],
    ['user', 'employees', 'four part-time baristas'],
    ['user', 'likes', 'long walks'],
    ['user', 'birthday', 'March 3'],
    ['user', 'enjoys', 'board games'],
  ];

  it('matches the parts of camelCase predicates', async () => {
    const storage = await setup(people);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'does she have a pet?', 1))[0]).toEqual(people[0]);
  });

  it('indexes a stop-word-only predicate, so "where … from" finds it', async () => {
    const storage = await setup(people);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'where is he originally from', 1))[0]).toEqual(people[1]);
  });

  it('answers "how many" with a triple holding a number and "when" with a date', async () => {
    const storage = await setup(people.filter((t) => t[1] !== 'birthday'));
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'how many people work for him', 1))[0]).toEqual(people[2]);
    const dated = await setup(people.filter((t) => t[1] !== 'employees'));
    expect((await retrieveRelevantKnowledge(dated, 'u1', 'when should I send a card', 1))[0]).toEqual(people[4]);
  });

  it('answers "which day"/星期几 with a triple naming a weekday, in its predicate or object', async () => {
    // Each answer comes after a triple sharing as many words with the question.
    const routine: Triple[] = [
      ['user', 'volunteered', 'city marathon water station'],
      ['user', 'volunteers', 'food bank, Wednesday mornings'],
      ['user', 'plays cards', 'bridge, learnt from her father'],
      ['user', 'Friday afternoons', 'plays cards at the club'],
    ];
    const storage = await setup(routine);
    const first = async (q: string) => (await retrieveRelevantKnowledge(storage, 'u1', q, 1))[0];
    expect(await first('which day do I volunteer')).toEqual(routine[1]);
    expect(await first('which days do I play cards')).toEqual(routine[3]);
    const zh: Triple[] = [
      ['用户', '理疗', '手腕劳损，做了三个月'],
      ['用户', '理疗', '静安一家诊所，每周六上午'],
    ];
    expect((await retrieveRelevantKnowledge(await setup(zh), 'u1', '理疗是星期几', 1))[0]).toEqual(zh[1]);
  });

  it('answers "who"/谁 with a triple whose object names a person', async () => {
    // Each answer comes after a triple sharing as many words with the question.
    const contacts: Triple[] = [
      ['user', 'accountant', 'changed firms in the spring'],
      ['user', 'accountant', 'Marla Jensen, handles his taxes'],
      ['用户', '闺蜜', '好几个'],
      ['用户', '闺蜜', '唐小雨'],
      ['唐小雨', '职业', '护士'],
    ];
    const storage = await setup(contacts);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'who is my accountant', 1))[0]).toEqual(contacts[1]);
    // 唐小雨 is a subject of her own triples: the triple naming her answers "who".
    expect((await retrieveRelevantKnowledge(storage, 'u1', '我最铁的闺蜜是谁', 1))[0]).toEqual(contacts[3]);
  });

  it('finds facts about a relative through the triple naming them, and returns that triple too', async () => {
    const family: Triple[] = [
      ['用户', '女儿', '王可欣'],
      ['用户的母亲', '患有', '二型糖尿病'],
      ['用户的母亲', '每天服用', '二甲双胍'],
      ['用户的母亲', '饮食要求', '少糖少油'],
      ['用户', '不同意养狗', '因为女儿对尘螨过敏'],
      ['用户', '存钱用于', '女儿以后出国读书'],
      ['王可欣', '过敏', '尘螨'],
      ['王可欣', '有', '轻度哮喘'],
      ['王可欣', '在读', '小学三年级'],
      ['用户', '体检发现', '甲状腺结节'],
      ['用户', '职业', '初中数学老师'],
      ['用户', '丈夫', '李强'],
      ['用户', '住在', '成都'],
    ];
    const storage = await setup(family);
    const health = await retrieveRelevantKnowledge(storage, 'u1', '她女儿有什么健康问题', 3);
    expect(health).toEqual(
      expect.arrayContaining([
        ['王可欣', '过敏', '尘螨'],
        ['王可欣', '有', '轻度哮喘'],
      ]),
    );
    const grade = await retrieveRelevantKnowledge(storage, 'u1', 'what grade is her daughter in', 2);
    expect(grade).toEqual(
      expect.arrayContaining([
        ['用户', '女儿', '王可欣'],
        ['王可欣', '在读', '小学三年级'],
      ]),
    );
  });

  it('prefers what is true now to what a predicate puts in the past, unless the question asks about the past', async () => {
    const work: Triple[] = [
      ['user', 'used to work as', 'a barista'],
      ['user', 'works as', 'a coffee roaster at a small roastery in Portland'],
      ['user', 'lives in', 'Portland'],
      ['user', 'drives', 'a van'],
    ];
    const storage = await setup(work);
    expect((await retrieveRelevantKnowledge(storage, 'u1', 'what does he do for a living', 1))[0]).toEqual(work[1]);
    expect(await retrieveRelevantKnowledge(storage, 'u1', 'where did he work before', 2)).toContainEqual(work[0]);
  });
});

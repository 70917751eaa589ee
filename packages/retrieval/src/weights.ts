/**
 * The weights and boosts of lexical retrieval. Every one is an option of `createRetriever`
 * (`weights: { synonym: 0.6 }`); the defaults are the values the method was developed with.
 */
export interface RetrieverWeights {
  /** A term brought by a concept group or question pattern, relative to the question's own terms. Default 0.5. */
  concept: number;
  /** A term of a synonym line the question mentions (the same word, other language). Default 0.5. */
  synonym: number;
  /** A term a category of the question covers ("drink" → "coffee"). Default 0.4. */
  category: number;
  /** A translation of a question's word from the retriever's `bridge` (a bilingual dictionary). Default 0.5. */
  bridge: number;
  /** A related word from the retriever's `related` resource (nearest neighbours of a word vector). Default 0.3. */
  related: number;
  /** How many related words of each question word count, best first, among those the triples hold. Default 2. */
  relatedPerTerm: number;
  /** A derived form of an unknown word ("teach" finding "teacher"), relative to the word. Default 0.6. */
  derived: number;
  /** A one-edit neighbour of an unknown word ("hobies" finding "hobbies"). Default 0.8. */
  typo: number;
  /** A single Chinese/Japanese character, relative to words and bigrams. Default 0.3. */
  unigram: number;
  /** How many times a predicate's tokens count (BM25F-style field weight; subject and object 1). Default 2. */
  predicate: number;
  /** BM25 `k1`. Default 1.2. */
  k1: number;
  /** BM25 `b`. Default 0.75. */
  b: number;
  /** An alias (the relation naming an entity, lent to its triples) as a term frequency. Default 0.5. */
  aliasTf: number;
  /** How many triples naming an entity lend it their predicate as an alias. Default 3. */
  maxNamers: number;
  /** How many of the best matches pass score on to the triples of the entity they name. Default 5. */
  entityHopSeeds: number;
  /** The share of a match's score passed to the triples of the entity it names. Default 0.6. */
  entityHopShare: number;
  /** The share passed to other triples about the same (non-dominant) subject. Default 0.4. */
  sameSubjectShare: number;
  /** The share a match about an entity passes back to the triple naming it. Default 0.6. */
  namerShare: number;
  /** Factor of a triple about someone else when the question names a person. Default 0.5. */
  offFocus: number;
  /** Factor of a current triple stated in the past tense, for a question not about the past. Default 0.6. */
  pastPredicate: number;
  /** Most a vector hit adds to a fused score (the best lexical match counts 1). Default 0.5. */
  vector: number;
  /** Standard deviations above the mean similarity below which a vector hit adds nothing. Default 1. */
  vectorZFloor: number;
  /** Standard deviations above the floor at which a vector hit adds all of `vector`. Default 2. */
  vectorZSpan: number;
  /** Most a triple's similarity from the `similarity` channel adds to its fused score (the best lexical match counts 1). Default 0.5. */
  similarity: number;
  /** Standard deviations above the mean similarity of all the triples below which the channel adds nothing. Default 2. */
  similarityZFloor: number;
  /** Standard deviations above the floor at which the channel adds all of `similarity`. Default 2. */
  similarityZSpan: number;
}

/** The default {@link RetrieverWeights}. */
export const DEFAULT_WEIGHTS: Readonly<RetrieverWeights> = Object.freeze({
  concept: 0.5,
  synonym: 0.5,
  category: 0.4,
  bridge: 0.5,
  related: 0.3,
  relatedPerTerm: 2,
  derived: 0.6,
  typo: 0.8,
  unigram: 0.3,
  predicate: 2,
  k1: 1.2,
  b: 0.75,
  aliasTf: 0.5,
  maxNamers: 3,
  entityHopSeeds: 5,
  entityHopShare: 0.6,
  sameSubjectShare: 0.4,
  namerShare: 0.6,
  offFocus: 0.5,
  pastPredicate: 0.6,
  vector: 0.5,
  vectorZFloor: 1,
  vectorZSpan: 2,
  similarity: 0.5,
  similarityZFloor: 2,
  similarityZSpan: 2,
});

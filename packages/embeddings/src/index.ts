export { checkEmbeddings, type EmbeddingProvider } from './embedding-provider.js';
export {
  createAiSdkEmbeddingProvider,
  type AiSdkEmbeddingProviderOptions,
  type AiSdkEmbeddingModel,
} from './ai-sdk-embedding-provider.js';
export {
  createOpenAICompatibleEmbeddingProvider,
  type OpenAICompatibleEmbeddingOptions,
} from './openai-compatible-embedding-provider.js';

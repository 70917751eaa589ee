export {
  runStorageConformance,
  mapLimit,
  type ConformanceSubject,
  type ConformanceOptions,
  type ConformanceCase,
} from './conformance.js';

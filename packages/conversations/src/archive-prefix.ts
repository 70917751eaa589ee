// The prefix is shared with @memory/archive, which writes under it; it lives in @memory/db, which
// both packages depend on, so that archive needs no dependency on conversations for it.
export { archivePrefix } from '@memory/db';

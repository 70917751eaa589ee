import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  index: 'src/index.ts',
  compat: 'src/compat.ts',
  'testing/index': 'src/testing/index.ts',
});

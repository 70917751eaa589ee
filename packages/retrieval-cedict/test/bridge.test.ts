import { describe, expect, it } from 'vitest';
import { cedictBridge } from '../src/index.js';

const bridge = cedictBridge();

describe('cedictBridge', () => {
  it('translates Chinese headwords to English meanings and back', () => {
    expect(bridge.translate('血型')).toContain('blood type');
    expect(bridge.translate('blood type')).toContain('血型');
    expect(bridge.maxLength).toBe(4);
    expect(bridge.size.chinese).toBeGreaterThan(60_000);
    expect(bridge.translate('不是一个词')).toBeUndefined();
  });

  it('does not translate a meaning shared by too many headwords back into Chinese', () => {
    // "work" is a meaning of dozens of headwords: too vague to stand for any one.
    expect(bridge.translate('work')).toBeUndefined();
    expect(cedictBridge({ maxChinesePerMeaning: 1000 }).translate('work')?.length).toBeGreaterThan(5);
  });
});

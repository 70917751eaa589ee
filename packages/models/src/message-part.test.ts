import { describe, expect, it } from 'vitest';
import { partsText, type MessagePart } from './message-part.js';

describe('partsText', () => {
  it('joins the text parts with a blank line and skips every other kind', () => {
    const parts: MessagePart[] = [
      { type: 'step-start' },
      { type: 'reasoning', text: 'hidden' },
      { type: 'text', text: 'first' },
      { type: 'tool-x', toolCallId: 'c', state: 'output-available', input: {}, output: 'tool text' },
      { type: 'text', text: '' },
      { type: 'text', text: 'second' },
    ];
    expect(partsText(parts)).toBe('first\n\nsecond');
    expect(partsText([{ type: 'dynamic-tool', toolName: 't', toolCallId: 'c', state: 'input-available' }])).toBe('');
    expect(partsText([])).toBe('');
  });
});

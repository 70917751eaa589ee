import type { MessagePart } from '@memory/models';

/**
 * One assistant turn with a part of every kind the AI SDK's `UIMessage` has (and two it does not
 * know), for the tests that store and convert parts.
 */
export function everyPart(): MessagePart[] {
  return [
    { type: 'step-start' },
    {
      type: 'reasoning',
      text: 'The user wants the weather.',
      state: 'done',
      providerMetadata: { openai: { itemId: 'r1' } },
    },
    {
      type: 'tool-weather',
      toolCallId: 'call_1',
      state: 'output-available',
      input: { city: '京都' },
      output: { c: 21, sky: 'clear' },
    },
    {
      type: 'tool-calendar',
      toolCallId: 'call_2',
      state: 'output-error',
      input: { day: 3 },
      errorText: 'calendar offline',
    },
    {
      type: 'tool-search',
      toolCallId: 'call_3',
      state: 'input-available',
      input: { q: 'hotels' },
      providerExecuted: true,
    },
    {
      type: 'dynamic-tool',
      toolName: 'mcp_lookup',
      toolCallId: 'call_4',
      state: 'output-available',
      input: { id: 7 },
      output: [{ hit: true }, null, 1.5],
    },
    { type: 'step-start' },
    { type: 'text', text: 'It is 21 °C and clear in Kyoto.', state: 'done' },
    { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=', filename: 'sky.png' },
    { type: 'source-url', sourceId: 'src_1', url: 'https://weather.example/kyoto', title: 'Kyoto weather' },
    { type: 'source-document', sourceId: 'src_2', mediaType: 'application/pdf', title: 'Guide', filename: 'guide.pdf' },
    { type: 'data-forecast', id: 'f1', data: { days: [21, 19, 23], unit: 'C' } },
    { type: 'text', text: 'Enjoy!' },
    { type: 'reasoning-file', mediaType: 'image/png', url: 'https://example.com/r.png' },
    { type: 'x-app-widget', config: { nested: { deep: [true, false] } } },
  ];
}

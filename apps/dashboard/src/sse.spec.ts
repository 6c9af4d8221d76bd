import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events with their type, data and id, and skips comments', () => {
    const parser = new SseParser();
    expect(
      parser.push(': keep-alive\n\nretry: 3000\n\nid: t:0:5\nevent: segment\ndata: {"a":1}\n\n'),
    ).toEqual([{ event: 'segment', data: '{"a":1}', id: 't:0:5' }]);
  });

  it('joins data lines, defaults the type to message, and keeps the last id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: one\ndata:two\n\ndata: three\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo', id: '1' },
      { event: 'message', data: 'three', id: '1' },
    ]);
  });

  it('keeps a line or an event split across chunks until it is whole, whatever the split', () => {
    const text = 'event: journey\r\ndata: {"p":0.5}\r\n\r\nevent: segment\ndata: {"s":2}\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ['journey', '{"p":0.5}'],
        ['segment', '{"s":2}'],
      ]);
    }
  });

  it('drops an event type with no data, and a field without a colon is a field with no value', () => {
    const parser = new SseParser();
    expect(parser.push('event: lonely\n\ndata\n\n')).toEqual([
      { event: 'message', data: '', id: null },
    ]);
  });
});

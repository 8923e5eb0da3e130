// The reason label of traverse_signaling_invalid_total for each way @traverse/protocol refuses a
// frame: the mapping reads the parser's error text, so this pins every text it relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROTOCOL_LIMITS, parseClientMessage } from '@traverse/protocol';
import { reasonOfParseError } from '../../src/signaling/invalid-reason.ts';

function reasonOf(frame: string): string {
  const parsed = parseClientMessage(frame);
  assert.equal(parsed.ok, false, `${frame.slice(0, 60)} is refused`);
  return reasonOfParseError((parsed as { error: string }).error);
}

test('each refusal of parseClientMessage maps to its reason', () => {
  assert.equal(reasonOf('{not json'), 'not_json');
  assert.equal(reasonOf('"a string"'), 'bad_envelope');
  assert.equal(reasonOf('{"data": []}'), 'bad_envelope');
  assert.equal(reasonOf('{"message": 42, "data": []}'), 'bad_envelope');
  assert.equal(reasonOf(JSON.stringify({ message: 'publishStream', data: [{ name: 'x' }] })), 'bad_field');
  assert.equal(reasonOf(JSON.stringify({ message: 'sendData', data: [{ operationId: 7 }] })), 'bad_field');
  assert.equal(reasonOf(`${'['.repeat(PROTOCOL_LIMITS.maxJsonDepth + 1)}${']'.repeat(PROTOCOL_LIMITS.maxJsonDepth + 1)}`), 'too_deep');
  assert.equal(reasonOf(`"${'x'.repeat(PROTOCOL_LIMITS.maxMessageBytes)}"`), 'too_large');
});

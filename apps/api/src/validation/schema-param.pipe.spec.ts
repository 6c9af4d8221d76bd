import { BadRequestException } from '@nestjs/common';
import { CustomerId, SessionId } from '@amato/contracts';
import { SchemaParamPipe } from './schema-param.pipe';

describe(SchemaParamPipe.name, () => {
  const customerId = new SchemaParamPipe(CustomerId);
  const sessionId = new SchemaParamPipe(SessionId);

  it("passes the ids the contracts' events carry", () => {
    expect(customerId.transform('CUST_000001', { type: 'param', data: 'customerId' })).toBe(
      'CUST_000001',
    );
    expect(sessionId.transform('SESS_0000abcd', { type: 'param', data: 'sessionId' })).toBe(
      'SESS_0000abcd',
    );
  });

  it('refuses another id with a 400 naming the parameter and the expected form', () => {
    expect(() => customerId.transform('42', { type: 'param', data: 'customerId' })).toThrow(
      new BadRequestException('customerId: expected a customer id like CUST_000001; got "42"'),
    );
    expect(() => sessionId.transform('SESS_1', { type: 'param', data: 'sessionId' })).toThrow(
      'sessionId: expected a session id like SESS_0000abcd; got "SESS_1"',
    );
  });
});

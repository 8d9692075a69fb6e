import { NotFoundError, SatError, generalErrors, satErrors } from '../../../../src/errors';
import { failureReason, normalizedRfc, scopeLabel, scopeLockName } from '../../../../src/services/reindex';

describe('reindex scope', () => {
  it('stores an RFC in upper case without blanks, and a blank one as no filter', () => {
    expect(normalizedRfc(' eku9003173c9 ')).toBe('EKU9003173C9');
    expect(normalizedRfc('   ')).toBeUndefined();
    expect(normalizedRfc(undefined)).toBeUndefined();
  });

  it('says the scope in words, "every" for what is not filtered', () => {
    expect(scopeLabel({})).toBe('every tenant, every RFC');
    expect(scopeLabel({ tenant: 'acme' })).toBe('tenant acme, every RFC');
    expect(scopeLabel({ rfc: 'EKU9003173C9' })).toBe('every tenant, RFC EKU9003173C9');
    expect(scopeLabel({ tenant: 'acme', rfc: 'EKU9003173C9' })).toBe('tenant acme, RFC EKU9003173C9');
  });

  it('gives runs of the same scope one lock name and runs of other scopes another', () => {
    const tenantId = '0b6f3c1e-8d1a-4c55-9a43-1f0b2d3c4e5f';
    const names = [
      scopeLockName({}),
      scopeLockName({ tenantId }),
      scopeLockName({ rfc: 'EKU9003173C9' }),
      scopeLockName({ tenantId, rfc: 'EKU9003173C9' }),
    ];
    expect(new Set(names).size).toBe(4);
    expect(scopeLockName({ tenantId, rfc: 'EKU9003173C9' })).toBe(names[3]);
  });

  it('names a failure by its stable code when it has one, else by its message', () => {
    const missing = new NotFoundError(generalErrors.notFound, { params: { entity: 'paquete', id: 'P_01' } });
    expect(failureReason(missing)).toBe('DM-4001 No paquete with identifier P_01.');
    const unreadable = new SatError(satErrors.packageUnreadable, {
      params: { idPaquete: 'P_01', detail: 'end of central directory record signature not found' },
    });
    expect(failureReason(unreadable)).toBe(
      'DM-5006 Could not open package P_01: end of central directory record signature not found.',
    );
    expect(failureReason(new Error('socket hang up'))).toBe('socket hang up');
    expect(failureReason('odd')).toBe('odd');
  });
});

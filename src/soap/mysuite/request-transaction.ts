import { randomUUID } from 'node:crypto';
import { AppError, AuthorizationError, InternalError, ValidationError, generalErrors } from '../../errors';
import { text } from '../shared/input';
import type { SoapCallContext, SoapInput, SoapOperationHandler } from '../infra/soap-call-context';
import { inBandCode } from './in-band-codes';
import { parseDictionary } from './params';
import type { MySuiteServices, TransactionOutcome } from './transaction';
import { TRANSACTIONS } from './transactions';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** UserName is the caller's free text, kept in the audit row; a bound keeps that row small. */
const MAX_USERNAME_CHARS = 100;

interface Caller {
  readonly tenantId: string;
  readonly userId: string;
  readonly username: string;
}

function asAppError(caught: unknown, requestId: string): AppError {
  return caught instanceof AppError
    ? caught
    : new InternalError(generalErrors.internal, { params: { requestId }, cause: caught });
}

function response(
  result: boolean,
  fields: { code: number; description: string; hint: string; data: string },
) {
  return {
    Result: result,
    TimeStamp: new Date().toISOString(),
    Code: fields.code,
    Description: fields.description,
    Hint: fields.hint,
    Data: fields.data,
  };
}

/**
 * MYSuite's single operation: `Transaction` names what to do, `Data1` carries the parameters, errors
 * come back in-band (`Result=false`, `Code`, `Description`, `Hint`). Authentication is the Requestor GUID
 * of an API user; `Entity` (the RFC) must belong to that user's tenant. Each call leaves one audit row
 * naming the transaction and the caller's UserName (never Data1: it may carry a FIEL).
 */
export function createRequestTransactionHandler(services: MySuiteServices): SoapOperationHandler {
  async function perform(caller: Caller, input: SoapInput, transaction: string): Promise<TransactionOutcome> {
    const country = text(input.Country) ?? '';
    if (country.toUpperCase() !== 'MX') {
      throw new ValidationError(generalErrors.countryNotSupported, { params: { field: 'Country', country } });
    }
    const run = Object.hasOwn(TRANSACTIONS, transaction) ? TRANSACTIONS[transaction] : undefined;
    if (!run) {
      throw new ValidationError(generalErrors.unknownTransaction, {
        params: { field: 'Transaction', transaction },
      });
    }
    const rfc = (text(input.Entity) ?? '').toUpperCase();
    const work = await run(
      { tenantId: caller.tenantId, userId: caller.userId, rfc, params: parseDictionary(text(input.Data1)) },
      services,
    );
    if (!(await services.contribuyentes.belongsTo(caller.tenantId, rfc))) {
      throw new AuthorizationError(generalErrors.entityNotInTenant, { params: { rfc } });
    }
    return work();
  }

  return async (input: SoapInput, context: SoapCallContext) => {
    const requestor = text(input.Requestor) ?? '';
    const user = text(input.User) ?? '';
    const userName = (text(input.UserName) ?? '').slice(0, MAX_USERNAME_CHARS);
    const transaction = (text(input.Transaction) ?? '').toUpperCase();
    const request = {
      Requestor: GUID.test(requestor) ? requestor : EMPTY_GUID,
      RequestorName: '',
      RequestorActive: false,
      Transaction: transaction,
      Country: text(input.Country) ?? '',
      Entity: (text(input.Entity) ?? '').toUpperCase(),
      User: GUID.test(user) ? user : EMPTY_GUID,
      UserName: userName,
      Id: GUID.test(context.requestId) ? context.requestId : randomUUID(),
      TimeStamp: new Date().toISOString(),
    };
    let caller: Caller | undefined;
    const audit = (error: AppError | undefined): Promise<void> =>
      services.audit.record({
        tenantId: caller?.tenantId,
        actorType: 'api_user',
        actorId: caller?.userId,
        actorName: [caller?.username, userName].filter(Boolean).join(' / ') || undefined,
        operacion: `MYSuite.${transaction || 'desconocida'}`,
        resultado: error ? 'error' : 'ok',
        codigo: error?.code,
        ip: context.clientAddress,
        requestId: context.requestId,
      });

    try {
      // The binding's body gate authenticated the Requestor before reading past it, when it could.
      caller = context.principal ?? (await services.apiUsers.authenticateRequestor(requestor));
      request.RequestorName = caller.username;
      request.RequestorActive = true;
      const outcome = await perform(caller, input, transaction);
      await audit(undefined);
      return {
        RequestTransactionResult: {
          Request: request,
          Response: response(true, { code: 0, description: 'OK', hint: '', data: outcome.data }),
          ResponseData: { ResponseData1: outcome.responseData1, ResponseData2: '', ResponseData3: '' },
        },
      };
    } catch (caught) {
      const error = asAppError(caught, context.requestId);
      if (!(caught instanceof AppError)) {
        services.logger.error('RequestTransaction failed', { error: caught, transaction });
      }
      await audit(error);
      // In-band like MYSuite: the numeric part of our stable code, Spanish description, English hint.
      return {
        RequestTransactionResult: {
          Request: request,
          Response: response(false, {
            code: inBandCode(error.code),
            description: error.messageEs,
            hint: `${error.code}: ${error.messageEn}`,
            data: '',
          }),
          ResponseData: { ResponseData1: '', ResponseData2: '', ResponseData3: '' },
        },
      };
    }
  };
}

import { ValidationError } from '../../errors';
import type { QualifiedName } from './envelope-inspector';
import { soapErrors } from './soap-errors';
import type { SoapOperation } from './wsdl-loader';
import type { SoapVersion } from './soap-version';

/** What WCF sends when its contract names no action (svcutil without wsaw:Action): no operation at all. */
const ANY_ACTION = '*';

function key(name: QualifiedName): string {
  return `{${name.namespace}}${name.localName}`;
}

/**
 * Routes a request to an operation by its SOAP action and body element, both checked against the
 * WSDL, so node-soap never meets a request it would dispatch by guesswork.
 */
export class OperationResolver {
  private readonly byAction = new Map<string, SoapOperation>();
  private readonly byElement = new Map<string, SoapOperation>();

  constructor(operations: Iterable<SoapOperation>) {
    for (const operation of operations) {
      if (operation.soapAction !== '') this.byAction.set(operation.soapAction, operation);
      this.byElement.set(key(operation.inputElement), operation);
    }
  }

  /**
   * SOAP 1.1 requires the action; SOAP 1.2 makes it optional, and when sent it must agree. `*` names
   * no operation, in either version: the body element does.
   */
  resolve(
    version: SoapVersion,
    action: string | undefined,
    bodyElement: QualifiedName | undefined,
  ): SoapOperation {
    const byElement = bodyElement === undefined ? undefined : this.byElement.get(key(bodyElement));
    if (action === undefined || action === '' || action === ANY_ACTION) {
      if (version === '1.1' && action !== ANY_ACTION) throw unknownAction('');
      if (byElement === undefined) throw unknownElement(bodyElement);
      return byElement;
    }
    const byAction = this.byAction.get(action);
    if (byAction === undefined) throw unknownAction(action);
    if (byElement === undefined) throw unknownElement(bodyElement);
    if (byElement !== byAction) throw unknownAction(action);
    return byAction;
  }
}

function unknownAction(action: string): ValidationError {
  return new ValidationError(soapErrors.unknownSoapAction, { params: { action, field: 'SOAPAction' } });
}

function unknownElement(element: QualifiedName | undefined): ValidationError {
  return new ValidationError(soapErrors.unknownOperation, {
    params: { element: element === undefined ? '(ninguno)' : key(element) },
  });
}

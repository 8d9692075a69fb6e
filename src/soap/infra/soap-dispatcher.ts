import { Server } from 'soap';
import { InternalError, ValidationError, generalErrors } from '../../errors';
import { writePlainAnswer } from './plain-answer';
import { normaliseRepeated } from './repeated-elements';
import type { SoapCallContext, SoapOperationHandler } from './soap-call-context';
import { soapErrors } from './soap-errors';
import { compileInputFields, readTypedInput } from './typed-input';
import { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS } from './soap-version';
import type { LoadedWsdl } from './wsdl-loader';

interface CallState {
  readonly context: SoapCallContext;
  readonly fail: (error: unknown) => void;
  handlerStarted: boolean;
}

type Thenable = { then(onFulfilled: (value: unknown) => void): void };
type NodeSoapMethod = (args: unknown) => Thenable;

/** What node-soap's server does after the handler, for a document/literal answer (held equal by a test). */
interface NodeSoapAnswerWriting {
  _envelope(body: string, headers: string, includeTimestamp: boolean): string;
  wsdl: { objectToDocumentXML(name: string, params: unknown, nsPrefix: string, nsURI: string): string };
}
interface NodeSoapOutput {
  $name: string;
  targetNSAlias: string;
  targetNamespace: string;
}
interface PlainCall {
  readonly run: (input: Record<string, unknown>, context: SoapCallContext) => Promise<object>;
  readonly output: NodeSoapOutput;
}

export type SoapLogHook = (type: string, data: unknown) => void;

/**
 * Runs node-soap's serverless pipeline (XML to object, dispatch, object to XML) for a request the
 * guard already accepted. Handler errors never reach node-soap: the wrapper hands them straight back
 * here, so node-soap's own fault path (which prints `error.toString()`) cannot run.
 */
export class SoapDispatcher {
  /**
   * The call whose handler node-soap is about to run. node-soap calls the handler synchronously
   * inside `processRequest` (parse, dispatch), so a hand-over field does what an AsyncLocalStorage
   * did, without one more store propagated through every promise of the process.
   */
  private handingOver?: CallState;
  private readonly server: Server;
  private readonly plainCalls = new Map<string, PlainCall>();

  constructor(
    private readonly loaded: LoadedWsdl,
    handlers: Readonly<Record<string, SoapOperationHandler>>,
    private readonly log?: SoapLogHook,
    /** Operations whose answers `writePlainAnswer` writes (held equal to node-soap's by a test). */
    private readonly plainAnswers: ReadonlySet<string> = new Set(),
  ) {
    const methods: Record<string, NodeSoapMethod> = {};
    for (const [name, handler] of Object.entries(handlers)) methods[name] = this.wrap(name, handler);
    const services: Record<string, Record<string, Record<string, NodeSoapMethod>>> = {};
    const definitions = loaded.wsdl.definitions as unknown as {
      services: Record<
        string,
        { ports: Record<string, { binding: { methods: Record<string, { output?: NodeSoapOutput }> } }> }
      >;
    };
    for (const [serviceName, service] of Object.entries(definitions.services)) {
      services[serviceName] = {};
      for (const [portName, port] of Object.entries(service.ports)) {
        services[serviceName][portName] = methods;
        for (const [name, method] of Object.entries(port.binding.methods)) {
          const handler = handlers[name];
          if (plainAnswers.has(name) && handler && method.output && !this.plainCalls.has(name)) {
            this.plainCalls.set(name, { run: this.runner(name, handler), output: method.output });
          }
        }
      }
    }
    this.server = new Server(null, loaded.portPath, services, loaded.wsdl, {
      path: loaded.portPath,
      services,
      suppressStack: true,
      enableChunkedEncoding: false,
      // node-soap's default 'attributes' is a legal element name: a request element called so became
      // attributes, and echoing it produced broken XML (found by the fuzz test). '$' is not legal in XML.
      attributesKey: '$attributes',
    });
    if (log) this.server.log = (type, data) => log(type, data);
  }

  /**
   * Answers the response envelope (in the request's version) or rejects with the error to map.
   * `plainBody` is the operation's input as the envelope inspector read it when that was plain: an
   * operation of `plainAnswers` then runs without node-soap's parse, which would read it a second time.
   */
  async dispatch(
    xml: string,
    soapAction: string,
    context: SoapCallContext,
    plainBody?: Record<string, unknown>,
  ): Promise<string> {
    const plain = plainBody && this.plainCalls.get(context.operation);
    const body = plain
      ? await this.answerPlainly(plain, xml, plainBody, context)
      : await this.viaNodeSoap(xml, soapAction, context);
    return context.version === '1.1'
      ? body
      : body.replace(`"${SOAP11_ENVELOPE_NS}"`, `"${SOAP12_ENVELOPE_NS}"`);
  }

  private async answerPlainly(
    call: PlainCall,
    xml: string,
    input: Record<string, unknown>,
    context: SoapCallContext,
  ): Promise<string> {
    this.log?.('received', xml);
    const shaped = await call.run(input, context);
    const writer = this.server as unknown as NodeSoapAnswerWriting;
    const { output } = call;
    const body = writer.wsdl.objectToDocumentXML(
      output.$name,
      shaped,
      output.targetNSAlias,
      output.targetNamespace,
    );
    const envelope = writer._envelope(body, '', false);
    this.log?.('replied', envelope);
    return envelope;
  }

  private async viaNodeSoap(xml: string, soapAction: string, context: SoapCallContext): Promise<string> {
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    const state: CallState = { context, fail, handlerStarted: false };
    const headers = { soapaction: `"${soapAction}"`, 'content-type': 'text/xml; charset=utf-8' };
    let processing: Promise<{ statusCode: number; body: string }>;
    this.handingOver = state;
    try {
      processing = this.server.processRequest(xml, { headers, url: this.loaded.portPath });
    } finally {
      this.handingOver = undefined;
    }
    const answer = await Promise.race([processing, failed]);
    if (answer.statusCode !== 200) {
      // node-soap refused on its own: an envelope it could not read, or a bug of ours after the handler.
      if (!state.handlerStarted) throw new ValidationError(soapErrors.malformedEnvelope);
      throw new InternalError(generalErrors.internal, { params: { requestId: context.requestId } });
    }
    return answer.body;
  }

  /** The handler behind its input checks: node-soap's args (or the inspector's) in, the answer to write out. */
  private runner(
    operation: string,
    handler: SoapOperationHandler,
  ): (args: unknown, context: SoapCallContext) => Promise<object> {
    const description = this.loaded.operations.get(operation)?.inputDescription;
    // Compiled at start-up: a contract type without a strict reader stops the service, not a call.
    const fields = compileInputFields(description);
    const output = this.plainAnswers.has(operation)
      ? this.loaded.operations.get(operation)?.outputElement
      : undefined;
    // node-soap sends an answer given as `_xml` as it is.
    const shape = (value: object): object => {
      const xml = output ? writePlainAnswer(output.localName, output.namespace, value) : undefined;
      return xml === undefined ? value : { _xml: xml };
    };
    return async (args, context) => {
      const read = typeof args === 'object' && args !== null ? args : {};
      const input = normaliseRepeated(read, description) as Record<string, unknown>;
      const value = await handler(readTypedInput(input, fields), context);
      return shape(value ?? {});
    };
  }

  private wrap(operation: string, handler: SoapOperationHandler): NodeSoapMethod {
    const run = this.runner(operation, handler);
    return (args) => {
      const state = this.handingOver;
      this.handingOver = undefined;
      if (state === undefined) throw new Error('SOAP handler called outside a dispatch');
      state.handlerStarted = true;
      const outcome = Promise.resolve().then(() => run(args, state.context));
      return {
        then(onFulfilled) {
          outcome.then(
            (value) => {
              try {
                onFulfilled(value);
              } catch (error) {
                state.fail(error);
              }
            },
            (error: unknown) => state.fail(error),
          );
        },
      };
    };
  }
}

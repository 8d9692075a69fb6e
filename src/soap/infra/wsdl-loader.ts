import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WSDL } from 'soap';
import { ConfigError, generalErrors } from '../../errors';
import type { QualifiedName } from './envelope-inspector';
import { RAW_TEXT_DESERIALIZERS } from './typed-input';

/** One operation of a binding as the WSDL declares it. */
export interface SoapOperation {
  readonly name: string;
  readonly soapAction: string;
  readonly inputElement: QualifiedName;
  /** Input description from node-soap: keys ending in `[]` are repeatable elements. */
  readonly inputDescription: unknown;
  /** The answer's element (document/literal); absent for a one-way operation. */
  readonly outputElement?: QualifiedName;
}

export interface LoadedWsdl {
  readonly wsdl: WSDL;
  readonly operations: ReadonlyMap<string, SoapOperation>;
  /** Path of the first port's address, the one node-soap binds a request to. */
  readonly portPath: string;
}

interface NodeSoapMethod {
  soapAction?: string;
  input?: { $name?: string; targetNamespace?: string };
  output?: { $name?: string; targetNamespace?: string };
}
interface NodeSoapPort {
  location: string;
  binding: { methods: Record<string, NodeSoapMethod> };
}
interface NodeSoapDefinitions {
  services: Record<string, { ports: Record<string, NodeSoapPort> }>;
}
type Descriptions = Record<string, Record<string, Record<string, { input?: unknown }>>>;

function invalidWsdl(wsdlPath: string, reason: string, cause?: unknown): ConfigError {
  return new ConfigError(generalErrors.configInvalid, { params: { variable: wsdlPath, reason }, cause });
}

/** Parses a WSDL (and its imports) with node-soap; a WSDL node-soap cannot read fails start-up. */
export async function loadWsdl(wsdlPath: string): Promise<LoadedWsdl> {
  const absolute = resolve(wsdlPath);
  const xml = await readFile(absolute, 'utf8');
  const wsdl = await new Promise<WSDL>((done, fail) => {
    let parsed: WSDL;
    try {
      parsed = new WSDL(xml, absolute, { customDeserializer: RAW_TEXT_DESERIALIZERS });
    } catch (error) {
      fail(invalidWsdl(wsdlPath, 'WSDL ilegible / unreadable WSDL', error));
      return;
    }
    parsed.onReady((error?: unknown) =>
      error ? fail(invalidWsdl(wsdlPath, String(error), error)) : done(parsed),
    );
  });
  const definitions = wsdl.definitions as unknown as NodeSoapDefinitions;
  const descriptions = wsdl.describeServices() as Descriptions;
  const operations = new Map<string, SoapOperation>();
  let portPath: string | undefined;
  for (const [serviceName, service] of Object.entries(definitions.services)) {
    for (const [portName, port] of Object.entries(service.ports)) {
      portPath ??= new URL(port.location, 'http://localhost').pathname;
      for (const [name, method] of Object.entries(port.binding.methods)) {
        const input = method.input;
        if (!input?.$name || input.targetNamespace === undefined) {
          throw invalidWsdl(wsdlPath, `operation ${name} has no document/literal input element`);
        }
        const operation: SoapOperation = {
          name,
          soapAction: method.soapAction ?? '',
          inputElement: { namespace: input.targetNamespace, localName: input.$name },
          inputDescription: descriptions[serviceName]?.[portName]?.[name]?.input,
          ...(method.output?.$name && method.output.targetNamespace !== undefined
            ? { outputElement: { namespace: method.output.targetNamespace, localName: method.output.$name } }
            : {}),
        };
        const known = operations.get(name);
        if (
          known &&
          (known.soapAction !== operation.soapAction || known.inputElement.localName !== input.$name)
        ) {
          throw invalidWsdl(wsdlPath, `operation ${name} differs between bindings`);
        }
        operations.set(name, operation);
      }
    }
  }
  if (portPath === undefined || operations.size === 0)
    throw invalidWsdl(wsdlPath, 'no service port or operation');
  return { wsdl, operations, portPath };
}

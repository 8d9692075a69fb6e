import * as soap from 'soap';
import { DEMO } from '../../src/services/accounts';

const DESCARGA_MASIVA_PATH = '/soap/DescargaMasiva';

/** A node-soap client of the service at `baseUrl`, signed with WS-Security (password as text). */
export async function signedSoapClient(
  baseUrl: string,
  username: string,
  password: string,
  servicePath = DESCARGA_MASIVA_PATH,
): Promise<soap.Client> {
  const client = await soap.createClientAsync(`${baseUrl}${servicePath}?wsdl`);
  client.setSecurity(new soap.WSSecurity(username, password, { passwordType: 'PasswordText' }));
  return client;
}

/** The same, signed in as the demo API user every test application provisions. */
export function demoSoapClient(baseUrl: string, servicePath = DESCARGA_MASIVA_PATH): Promise<soap.Client> {
  return signedSoapClient(baseUrl, DEMO.username, DEMO.password, servicePath);
}

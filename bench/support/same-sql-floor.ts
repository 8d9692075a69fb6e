/**
 * The fair floor of the SOAP read bench: bare node-soap (the Calculadora's Eco, no guard, no mapping)
 * whose handler runs, on a plain `pg` pool of the application's size, the statements the database must
 * run for the call: the call's own statement (exactly the SQL the application sends) and one audit row.
 * The API user lookup is not among them: the application answers it from memory after a user's first
 * call (src/db/change-feed), so the floor does not pay it either. The ratio to it is our overhead over
 * the work the database has to do.
 */
import { Pool } from 'pg';
import { SOLICITUD_DETAIL_SQL, solicitudListStatements, type FilterCondition } from '../../src/db';
import { INSERT_AUDIT_SQL } from '../../src/services/audit';
import { DEMO } from '../../src/services/accounts';
import { type BareService, type PreparedRequest, ecoRequest, startBareCalculadora } from './soap-load';

export interface SameSqlFloor extends BareService {
  /** Eco of `solicitud:<id>`: SOLICITUD_DETAIL_SQL, an audit row. */
  solicitud(id: string): PreparedRequest;
  /** Eco of `lista:<page>`: the list page's statement, an audit row. */
  lista(page: number, total: number): PreparedRequest;
}

export async function startSameSqlFloor(options: {
  databaseUrl: string;
  poolSize: number;
  tenantId: string;
  listFilters: readonly FilterCondition[];
  pageSize: number;
}): Promise<SameSqlFloor> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  const audit = (operacion: string) =>
    pool.query({
      name: 'audit',
      text: INSERT_AUDIT_SQL,
      values: [
        [options.tenantId],
        ['api_user'],
        [null],
        [DEMO.username],
        [operacion],
        ['ok'],
        [null],
        ['127.0.0.1'],
        [null],
      ],
    });
  const bare = await startBareCalculadora(async (texto) => {
    const [kind = '', argument = ''] = texto.split(':');
    let answer: string;
    if (kind === 'solicitud') {
      const { rows } = await pool.query({
        name: 'detail',
        text: SOLICITUD_DETAIL_SQL,
        values: [argument, options.tenantId],
      });
      answer = JSON.stringify(rows[0]);
    } else {
      const statements = solicitudListStatements(options.tenantId, {
        filters: options.listFilters,
        order: [{ field: 'FechaRegistro', direction: 'DESC' }],
        page: { page: Number(argument), pageSize: options.pageSize },
      });
      // Prepared per connection under a name per page, as the application prepares its page statements.
      const { rows } = await pool.query<{ list_total: number }>({
        name: `floor_list_${argument}`,
        text: statements.page,
        values: [...statements.parameters],
      });
      answer = `Total=${rows[0]?.list_total ?? 0} ${JSON.stringify(rows)}`;
    }
    await audit(`Floor.${kind}`);
    return answer;
  });
  return {
    url: bare.url,
    solicitud: (id) => ecoRequest(`solicitud:${id}`, id),
    lista: (page, total) => ecoRequest(`lista:${page}`, `Total=${total} `),
    close: async () => {
      await bare.close();
      await pool.end();
    },
  };
}

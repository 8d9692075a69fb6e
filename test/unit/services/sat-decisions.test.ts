import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SatFailure, SatOperationName } from '../../../src/errors';
import {
  DECISION_TABLE,
  MAX_REISSUES,
  decide,
  decisionRow,
  renderDecisionTable,
  type DecisionContext,
  type SatObservation,
  type SatStep,
} from '../../../src/services/pipeline/sat-decisions';

const FRESH: DecisionContext = { tokenRenewed: false, pastHorizon: false, reissues: 0 };
const RENEWED: DecisionContext = { ...FRESH, tokenRenewed: true };

const ID = '4e80345d-917f-40bb-a98f-4a73939343c5';

function solicita(codEstatus: string, idSolicitud?: string, httpStatus = 200): SatObservation {
  return { step: 'solicitar', answer: { codEstatus, idSolicitud, httpStatus } };
}

function verifica(
  estadoSolicitud: number,
  codigoEstadoSolicitud?: string,
  codEstatus = '5000',
): SatObservation {
  return { step: 'verificar', answer: { codEstatus, estadoSolicitud, codigoEstadoSolicitud } };
}

function descarga(codEstatus: string, paquete = false): SatObservation {
  return { step: 'descargar', answer: { codEstatus, paquete } };
}

function failed(step: SatStep, failure: SatFailure, operation?: SatOperationName): SatObservation {
  return { step, failure, operation };
}

const timeout: SatFailure = { kind: 'transport', delivered: 'unknown' };
const refusedConnection: SatFailure = { kind: 'transport', delivered: 'no' };
const securityFault: SatFailure = { kind: 'fault', fault: 'security', status: 500 };

/** The id of the row that decides, so each case also proves which rule it exercises. */
function rowOf(observation: SatObservation, context = FRESH): string {
  return decisionRow(observation, context).id;
}

const exercised = new Set<string>();
function expectDecision(
  observation: SatObservation,
  context: DecisionContext,
  row: string,
  decision: ReturnType<typeof decide>,
): void {
  expect(rowOf(observation, context)).toBe(row);
  expect(decide(observation, context)).toEqual(decision);
  exercised.add(row);
}

describe('what the pipeline does with each SAT answer', () => {
  describe('tokens', () => {
    it('a token refused in any way on a signed call gets one fresh Autentica', () => {
      for (const observation of [
        solicita('300'),
        verifica(0, undefined, '300'),
        descarga('300'),
        failed('verificar', { kind: 'http', status: 401 }, 'verificacion'),
        failed('descargar', { kind: 'http', status: 403 }, 'descarga'),
        failed('solicitar', securityFault, 'solicitud'),
      ]) {
        expectDecision(observation, FRESH, 'token-refused', { kind: 'reauthenticate' });
      }
    });

    it('the same refusal right after a fresh token is retried later with DM-5007', () => {
      expectDecision(verifica(0, undefined, '300'), RENEWED, 'token-refused-again', {
        kind: 'retry',
        errorCode: 'DM-5007',
      });
      expectDecision(
        failed('descargar', { kind: 'http', status: 401 }, 'descarga'),
        RENEWED,
        'token-refused-again',
        {
          kind: 'retry',
          errorCode: 'DM-5007',
        },
      );
    });

    it('Autentica refusing the e.firma ends the part with DM-5003: no new token can help', () => {
      expectDecision(failed('solicitar', securityFault, 'autenticacion'), FRESH, 'autentica-refused', {
        kind: 'fail',
        estado: 'Error',
        errorCode: 'DM-5003',
      });
    });

    it('an HTTP 401 on Autentica itself is not a token refusal but a refused call', () => {
      expectDecision(
        failed('verificar', { kind: 'http', status: 401 }, 'autenticacion'),
        FRESH,
        'http-refused',
        { kind: 'fail', estado: 'Error', errorCode: 'DM-5004' },
      );
    });
  });

  describe('failures without an answer', () => {
    it('a request that never left is simply retried, in every step', () => {
      for (const step of ['solicitar', 'verificar', 'descargar'] as const) {
        expectDecision(failed(step, refusedConnection, 'solicitud'), FRESH, 'not-sent', { kind: 'retry' });
      }
    });

    it('an outdated operation (ActionNotSupported) ends the part with DM-5005', () => {
      expectDecision(
        failed('solicitar', { kind: 'fault', fault: 'action', status: 500 }, 'solicitud'),
        FRESH,
        'action-not-supported',
        { kind: 'fail', estado: 'Error', errorCode: 'DM-5005' },
      );
    });

    it('a SolicitaDescarga whose answer was lost after sending is "outcome unknown", never a plain resend', () => {
      for (const failure of [
        timeout,
        { kind: 'http', status: 500 },
        { kind: 'http', status: 503 },
        { kind: 'garbled', status: 200 },
        { kind: 'fault', fault: 'other', status: 500 },
      ] as SatFailure[]) {
        expectDecision(failed('solicitar', failure, 'solicitud'), FRESH, 'solicita-answer-lost', {
          kind: 'outcome-unknown',
        });
      }
    });

    it('the same failure on the Autentica before a SolicitaDescarga is a plain retry: nothing was asked', () => {
      expectDecision(failed('solicitar', timeout, 'autenticacion'), FRESH, 'no-answer', { kind: 'retry' });
    });

    it('HTTP 408, 429 and 5xx pass: retried with backoff', () => {
      for (const status of [408, 429, 500, 502, 503, 504]) {
        expectDecision(failed('verificar', { kind: 'http', status }, 'verificacion'), FRESH, 'http-passing', {
          kind: 'retry',
        });
      }
      expectDecision(failed('solicitar', { kind: 'http', status: 429 }, 'solicitud'), FRESH, 'http-passing', {
        kind: 'retry',
      });
    });

    it('any other HTTP 4xx ends the part with DM-5004, which names the status', () => {
      for (const status of [400, 404, 405, 410]) {
        expectDecision(failed('descargar', { kind: 'http', status }, 'descarga'), FRESH, 'http-refused', {
          kind: 'fail',
          estado: 'Error',
          errorCode: 'DM-5004',
        });
      }
    });

    it('timeouts, garbled answers and other faults of Verifica and Descarga are retried', () => {
      expectDecision(failed('verificar', timeout, 'verificacion'), FRESH, 'no-answer', { kind: 'retry' });
      expectDecision(failed('descargar', { kind: 'garbled', status: 200 }, 'descarga'), FRESH, 'no-answer', {
        kind: 'retry',
      });
      expectDecision(
        failed('verificar', { kind: 'fault', fault: 'other', status: 500 }, 'verificacion'),
        FRESH,
        'no-answer',
        { kind: 'retry' },
      );
    });
  });

  describe('SolicitaDescarga', () => {
    it('an IdSolicitud is kept and polled: with 5000, and with a 404 status or code that still carries it', () => {
      expectDecision(solicita('5000', ID), FRESH, 'solicita-accepted', { kind: 'accepted' });
      expectDecision(solicita('5000', ID, 404), FRESH, 'solicita-accepted', { kind: 'accepted' });
      expectDecision(solicita('404', ID, 404), FRESH, 'solicita-accepted', { kind: 'accepted' });
      expectDecision(solicita('', ID, 404), FRESH, 'solicita-accepted', { kind: 'accepted' });
    });

    it('5000 without an id, 404 and 5006 may hide an acceptance: outcome unknown', () => {
      for (const code of ['5000', '404', '5006']) {
        expectDecision(solicita(code), FRESH, 'solicita-accepted-without-id', { kind: 'outcome-unknown' });
      }
    });

    it('5002 (lifetime spent) is asked again over a wider period', () => {
      expectDecision(solicita('5002'), FRESH, 'solicita-lifetime-spent', { kind: 'spent' });
    });

    it('5005 (an identical request we cannot follow) is asked again over a wider period, never Rechazada', () => {
      expectDecision(solicita('5005'), FRESH, 'solicita-duplicate', { kind: 'spent' });
    });

    it('5004 ends the part SinDatos, 5003 splits it', () => {
      expectDecision(solicita('5004'), FRESH, 'solicita-no-data', { kind: 'no-data' });
      expectDecision(solicita('5003'), FRESH, 'solicita-too-large', { kind: 'split' });
    });

    it('5011 waits for the next SAT day', () => {
      expectDecision(solicita('5011'), FRESH, 'solicita-daily-limit', { kind: 'next-sat-day' });
    });

    it('301–305, 5001 and 5012 end the part Rechazada with SAT’s code', () => {
      for (const code of ['301', '302', '303', '304', '305', '5001', '5012']) {
        expectDecision(solicita(code), FRESH, 'solicita-refused', { kind: 'fail', estado: 'Rechazada' });
      }
    });
  });

  describe('VerificaSolicitudDescarga', () => {
    it('5011 waits for the next SAT day; 404 and 5006 are retried', () => {
      expectDecision(verifica(0, undefined, '5011'), FRESH, 'verifica-daily-limit', { kind: 'next-sat-day' });
      for (const code of ['404', '5006']) {
        expectDecision(verifica(0, undefined, code), FRESH, 'verifica-try-later', { kind: 'retry' });
      }
    });

    it('an IdSolicitud SAT does not know (5004) is asked again as a new request', () => {
      expectDecision(verifica(0, undefined, '5004'), FRESH, 'verifica-unknown-id', { kind: 'reissue' });
    });

    it('CodigoEstadoSolicitud 5003 splits, 5004 ends SinDatos, whatever the state', () => {
      expectDecision(verifica(5, '5003'), FRESH, 'verifica-too-large', { kind: 'split' });
      expectDecision(verifica(3, '5004'), FRESH, 'verifica-no-data', { kind: 'no-data' });
      expectDecision(verifica(5, '5004'), FRESH, 'verifica-no-data', { kind: 'no-data' });
    });

    it('states 1 and 2 are polled, and asked again as a new request once past the horizon', () => {
      expectDecision(verifica(1), FRESH, 'verifica-running', { kind: 'poll' });
      expectDecision(verifica(2), FRESH, 'verifica-running', { kind: 'poll' });
      expectDecision(verifica(1), { ...FRESH, pastHorizon: true }, 'verifica-stuck', { kind: 'reissue' });
    });

    it('state 3 downloads the packages', () => {
      expectDecision(verifica(3, '5000'), FRESH, 'verifica-finished', { kind: 'download' });
      expectDecision(verifica(3), FRESH, 'verifica-finished', { kind: 'download' });
    });

    it('Rechazada with 5002 or 5005 counts as spent criteria: asked again over a wider period', () => {
      expectDecision(verifica(5, '5002'), FRESH, 'verifica-rejected-spent', { kind: 'spent' });
      expectDecision(verifica(5, '5005'), FRESH, 'verifica-rejected-spent', { kind: 'spent' });
    });

    it('Error, Rechazada for other reasons and Vencida are asked again as a new request', () => {
      expectDecision(verifica(4, '404'), FRESH, 'verifica-not-delivered', { kind: 'reissue' });
      expectDecision(verifica(5, '5000'), FRESH, 'verifica-not-delivered', { kind: 'reissue' });
      expectDecision(verifica(6, '5000'), FRESH, 'verifica-not-delivered', { kind: 'reissue' });
    });

    it(`after ${MAX_REISSUES} re-issues the part ends with DM-5008 in the state SAT gave`, () => {
      const tired = { ...FRESH, reissues: MAX_REISSUES };
      expect(decide(verifica(5, '5000'), tired)).toEqual({
        kind: 'fail',
        estado: 'Rechazada',
        errorCode: 'DM-5008',
      });
      expect(decide(verifica(6), tired)).toEqual({ kind: 'fail', estado: 'Vencida', errorCode: 'DM-5008' });
      expect(decide(verifica(1), { ...tired, pastHorizon: true })).toEqual({
        kind: 'fail',
        estado: 'Error',
        errorCode: 'DM-5008',
      });
      // One re-issue short of the limit, it is still asked again.
      expect(decide(verifica(4), { ...FRESH, reissues: MAX_REISSUES - 1 })).toEqual({ kind: 'reissue' });
    });

    it('a state SAT never documented (0, 7) is retried', () => {
      expectDecision(verifica(0), FRESH, 'verifica-state-unknown', { kind: 'retry' });
      expectDecision(verifica(7), FRESH, 'verifica-state-unknown', { kind: 'retry' });
    });

    it('301–305 end the part in Error with SAT’s code', () => {
      expectDecision(verifica(0, undefined, '305'), FRESH, 'verifica-refused', {
        kind: 'fail',
        estado: 'Error',
      });
    });
  });

  describe('Descarga', () => {
    it('5000 with the package stores it; without one, or 404 / 5006, retries', () => {
      expectDecision(descarga('5000', true), FRESH, 'descarga-package', { kind: 'store' });
      expectDecision(descarga('5000'), FRESH, 'descarga-empty', { kind: 'retry' });
      expectDecision(descarga('404'), FRESH, 'descarga-empty', { kind: 'retry' });
      expectDecision(descarga('5006'), FRESH, 'descarga-empty', { kind: 'retry' });
    });

    it('5011 waits for the next SAT day', () => {
      expectDecision(descarga('5011'), FRESH, 'descarga-daily-limit', { kind: 'next-sat-day' });
    });

    it('5007 ends the package Vencido; 5004, 5008 and 301–305 in Error', () => {
      expectDecision(descarga('5007'), FRESH, 'descarga-expired', { kind: 'fail', estado: 'Vencido' });
      for (const code of ['5004', '5008', '302']) {
        expectDecision(descarga(code), FRESH, 'descarga-refused', { kind: 'fail', estado: 'Error' });
      }
    });
  });

  it('a code nobody documented ends the part with DM-5009, in every step', () => {
    for (const observation of [solicita('5099'), verifica(0, undefined, '5001'), descarga('5099')]) {
      expectDecision(observation, FRESH, 'unknown-code', {
        kind: 'fail',
        estado: 'Error',
        errorCode: 'DM-5009',
      });
    }
  });

  it('every row of the table is exercised by a case above', () => {
    expect(DECISION_TABLE.map((row) => row.id).filter((id) => !exercised.has(id))).toEqual([]);
  });

  it('row ids are unique', () => {
    const ids = DECISION_TABLE.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('docs/decisions.md carries exactly the table the module renders (run `npm run docs:errors`)', () => {
    const document = readFileSync(path.join(__dirname, '../../../docs/decisions.md'), 'utf8');
    const start = '<!-- sat-decisions:start -->';
    const end = '<!-- sat-decisions:end -->';
    const section = document.slice(document.indexOf(start) + start.length, document.indexOf(end));
    expect(document.indexOf(start)).toBeGreaterThanOrEqual(0);
    expect(section.trim()).toBe(renderDecisionTable());
  });
});

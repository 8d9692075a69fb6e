export { CfdiService, type CfdiSearchCriteria, type RetrievedCfdi } from './cfdi-service';

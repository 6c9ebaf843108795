export * from './codes';
export { wireCodes, type WireCodes } from './table';
export { CodedError, isCodedError } from './coded-error';

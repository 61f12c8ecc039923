// What a browser client may import from the domain: plain values with no dependencies (the web
// studio aliases `@app/domain/contract` to this file).
export * from './vocabulary';
export * from './errors/error-catalog';

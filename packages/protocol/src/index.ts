export * from './money';
export * from './tiers';
export * from './errors';
export * from './scenes';
export * from './signing';
export * from './schemas';
export * from './risk';

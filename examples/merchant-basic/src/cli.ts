import { main } from './main';

const baseURL = process.argv[2] ?? process.env.HONGBAO_BASE_URL ?? 'http://127.0.0.1:8080';
const { HONGBAO_APP_ID: appId, HONGBAO_APP_SECRET: secret } = process.env;
main(baseURL, { credentials: appId && secret ? { appId, secret } : undefined }).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import { main } from './main';

const baseURL = process.argv[2] ?? process.env.HONGBAO_URL ?? 'http://127.0.0.1:8080';
main(baseURL).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

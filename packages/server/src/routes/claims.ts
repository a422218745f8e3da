import type { RouteModule } from './types';

const routes: RouteModule = () => {};

export default routes;

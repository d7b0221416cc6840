import { Injectable } from '@nestjs/common';
import { ErrorCode, PorticoError, notFound, type FunctionSpec } from '@portico/contracts';
import { DeploymentService } from '../deployments/deployment.service';
import type { FunctionView, FunctionWithSource, PutFunctionDto } from './function.dto';

const toView = (name: string, { source: _source, ...fn }: FunctionSpec): FunctionView => ({ name, ...fn });

/** An app's functions. Sources are write-mostly: only `get` returns one. */
@Injectable()
export class FunctionsService {
  constructor(private readonly deployments: DeploymentService) {}

  /** Creates or replaces a function; `created` tells which. */
  async put(
    appId: string,
    name: string,
    dto: PutFunctionDto,
  ): Promise<{ created: boolean; fn: FunctionView }> {
    const fn: FunctionSpec = dto;
    const { previous } = await this.deployments.change(appId, (spec) => ({
      ...spec,
      functions: { ...spec.functions, [name]: fn },
    }));
    return { created: !Object.hasOwn(previous.spec.functions, name), fn: toView(name, fn) };
  }

  async list(appId: string): Promise<FunctionView[]> {
    const { deployment } = await this.deployments.current(appId);
    return Object.entries(deployment.spec.functions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, fn]) => toView(name, fn));
  }

  async get(appId: string, name: string): Promise<FunctionWithSource> {
    const { deployment } = await this.deployments.current(appId);
    const fn = Object.hasOwn(deployment.spec.functions, name) ? deployment.spec.functions[name] : undefined;
    if (!fn) throw notFound(`function "${name}"`);
    return { ...toView(name, fn), source: fn.source };
  }

  /** Deletes a function; 409 while an endpoint still calls it. */
  async delete(appId: string, name: string): Promise<void> {
    await this.deployments.change(appId, (spec) => {
      if (!Object.hasOwn(spec.functions, name)) throw notFound(`function "${name}"`);
      const users = spec.endpoints
        .filter((e) => e.function_name === name)
        .map((e) => `${e.http_method} ${e.route}`);
      if (users.length > 0) {
        throw new PorticoError(ErrorCode.Conflict, `function "${name}" is used by an endpoint`, 409, {
          endpoints: users,
        });
      }
      const { [name]: _removed, ...functions } = spec.functions;
      return { ...spec, functions };
    });
  }
}

import { IsolatedVmEngine } from './isolated-vm.engine';
import type { SandboxEngine, SandboxEngineName } from './sandbox-engine.port';
import { Vm2Engine } from './vm2.engine';

/** The one place an engine name becomes an engine (CONVENTIONS 5). */
export function createEngine(name: SandboxEngineName): SandboxEngine {
  switch (name) {
    case 'isolated-vm':
      return new IsolatedVmEngine();
    case 'vm2':
      return new Vm2Engine();
  }
}

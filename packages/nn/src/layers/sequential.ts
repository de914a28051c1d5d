import { IndexError, type Tensor } from "@tsgrad/core";
import { Module } from "../module.js";

/**
 * A chain of modules applied in order (PyTorch's `nn.Sequential`). Children are named `0`, `1`,
 * ... (state-dict keys `0.weight`, ...), or by the keys of a record:
 * `new Sequential({ conv: new Conv2d(1, 16, 5), relu: new ReLU() })`.
 * Shape: whatever the first module takes → whatever the last one returns.
 */
export class Sequential extends Module {
  readonly #layers: Module[] = [];

  constructor(...modules: Module[] | [Readonly<Record<string, Module>>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.#add(name, m);
    } else {
      for (const m of modules as Module[]) this.append(m);
    }
  }

  #add(name: string, module: Module): void {
    this.registerModule(name, module);
    this.#layers.push(module);
  }

  /** Adds a module at the end (named by its position). Returns `this`. */
  append(module: Module): this {
    this.#add(String(this.#layers.length), module);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.#layers.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const m = this.#layers.at(index);
    if (m === undefined || !Number.isInteger(index)) {
      throw new IndexError(`Sequential: index ${index} is out of range for ${this.length} modules`);
    }
    return m;
  }

  /** The layers, in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.#layers[Symbol.iterator]();
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.#layers) y = m.forward(y);
    return y;
  }
}

import { IndexError, ValueError } from "@tsgrad/core";
import { Module, type AnyModule } from "../module.js";

/**
 * A list of submodules that are registered (PyTorch's `nn.ModuleList`): named `0`, `1`, ... in
 * state dicts, found by `parameters()`, switched by `train()`/`eval()`. It has no `forward`;
 * iterate over it in the owner's `forward`.
 */
export class ModuleList<M extends AnyModule = Module> extends Module<[], never> {
  readonly #items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** Adds a module at the end. Returns `this`. */
  append(module: M): this {
    this.registerModule(String(this.#items.length), module);
    this.#items.push(module);
    return this;
  }

  /** Adds several modules at the end. Returns `this`. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.#items.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const m = this.#items.at(index);
    if (m === undefined || !Number.isInteger(index)) {
      throw new IndexError(`ModuleList: index ${index} is out of range for ${this.length} modules`);
    }
    return m;
  }

  /** The modules, in order. */
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }

  /** Always throws: a `ModuleList` is a container, not a layer. */
  override forward(): never {
    throw new ValueError("ModuleList: a ModuleList has no forward(); iterate over its modules");
  }
}

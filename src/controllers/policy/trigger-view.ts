// What the cache of a trigger kind keeps: the whole object (templates and constraints may read any path of
// `trigger`), but of its labels and annotations only the keys the kind's Ready policies may read, as their
// compiled expressions tell (src/policy/references.ts). The kept keys only grow; when a policy needs a key
// the cache does not hold, the informer relists, and the engine waits for that list before it evaluates.
import { type MetadataRefs, mergeRefs, refsCovered } from '../../policy/index.ts';
import {
  type Informer,
  type InformerView,
  type KubeObject,
  pickEntries,
  withMap,
} from '../../runtime/index.ts';

/** The object minus managedFields and every label and annotation key `kept` does not name. */
export function slimTrigger(obj: KubeObject, kept: MetadataRefs): KubeObject {
  const { managedFields: _, labels, annotations, ...metadata } = obj.metadata ?? {};
  const pick = (map: Record<string, string> | undefined, refs: MetadataRefs['labels']) =>
    refs.all ? map : pickEntries(map, (key) => refs.keys.has(key));
  return {
    ...obj,
    metadata: {
      ...metadata,
      ...withMap('labels', pick(labels, kept.labels)),
      ...withMap('annotations', pick(annotations, kept.annotations)),
    },
  };
}

export class TriggerFields {
  #kept: MetadataRefs;
  /** True once the cache was filled with `#kept` in force. */
  #filled: () => boolean = () => true;
  readonly view: InformerView;

  constructor(initial: MetadataRefs) {
    this.#kept = initial;
    this.view = { name: 'trigger', transform: (obj) => slimTrigger(obj, this.#kept) };
  }

  get kept(): MetadataRefs {
    return this.#kept;
  }

  /**
   * Whether the cache holds every key `refs` reads. If not, the kept keys grow to include them and the
   * informer relists; false until that list is in the cache.
   */
  covers(refs: MetadataRefs, informer: Informer): boolean {
    if (!refsCovered(refs, this.#kept)) {
      this.#kept = mergeRefs(this.#kept, refs);
      this.#filled = informer.relist();
    }
    return this.#filled();
  }
}

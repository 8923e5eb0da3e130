// The live WHIP and WHEP sessions: an unguessable id (the last segment of the Location URL) for each,
// the stream name it belongs to, its entity-tag and the ICE ufrag of its offer. A media session that
// ends by itself (its publisher gone, ICE consent lost, REST terminate) releases its resource, so a
// later DELETE or PATCH answers 404.
import { randomBytes } from 'node:crypto';

export type WhipKind = 'whip' | 'whep';

export interface WhipResource {
  readonly id: string;
  readonly kind: WhipKind;
  readonly name: string;
  /** A strong entity-tag, quotes included (RFC 9110 §8.8.3). */
  readonly etag: string;
  /** The offer's a=ice-ufrag: a PATCH with another one is an ICE restart. */
  readonly iceUfrag: string | undefined;
}

export class WhipResources {
  readonly #byId = new Map<string, WhipResource>();

  create(kind: WhipKind, name: string, iceUfrag: string | undefined): WhipResource {
    // 128 random bits: the URL is the only thing that lets a client end the session.
    const id = randomBytes(16).toString('hex');
    const resource: WhipResource = { id, kind, name, etag: `"${randomBytes(8).toString('hex')}"`, iceUfrag };
    this.#byId.set(id, resource);
    return resource;
  }

  /** The resource of that kind, stream name and id; undefined once released. */
  find(kind: WhipKind, name: string, id: string): WhipResource | undefined {
    const r = this.#byId.get(id);
    return r && r.kind === kind && r.name === name ? r : undefined;
  }

  release(id: string): boolean {
    return this.#byId.delete(id);
  }

  count(kind: WhipKind): number {
    let n = 0;
    for (const r of this.#byId.values()) if (r.kind === kind) n++;
    return n;
  }
}

/** The Location of a session: `/whip/<name>/<id>` (the name percent-encoded as one path segment). */
export function resourcePath(resource: Pick<WhipResource, 'kind' | 'name' | 'id'>): string {
  return `/${resource.kind}/${encodeURIComponent(resource.name)}/${resource.id}`;
}

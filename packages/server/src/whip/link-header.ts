// RFC 9725 §4.6: ICE servers travel as Link header fields, one per URL, in the RFC 8288 format with
// the RTCIceServer members as parameters (username, credential, credential-type). Pure.

export interface IceServerCredentials {
  urls: readonly string[];
  username: string;
  credential: string;
}

/** A quoted-string (RFC 9110 §5.6.4): backslash and double quote escaped. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** One `Link` field value per URL; STUN URLs carry no credentials. */
export function iceServerLinks(servers: IceServerCredentials): string[] {
  return servers.urls.map((url) => {
    const link = `<${url}>; rel="ice-server"`;
    return /^stuns?:/.test(url) ? link
      : `${link}; username=${quoted(servers.username)}; credential=${quoted(servers.credential)}; credential-type="password"`;
  });
}

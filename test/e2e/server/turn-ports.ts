// Relay ports of the embedded TURN in these browser suites: outside Linux's ephemeral range
// (32768–60999), so an OS-chosen port elsewhere on the machine can never hold one.
export const E2E_TURN_RELAY_PORTS = { minPort: 65000, maxPort: 65500 } as const;

// Pure TURN wire formats: ChannelData, stream framing, TURN attribute values.
export * from './channel-data.ts';
export * from './stream-framer.ts';
export * from './attributes.ts';

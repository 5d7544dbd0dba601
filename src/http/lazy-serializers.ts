/**
 * Response serializers compiled on first use instead of at start. Fastify compiles one
 * fast-json-stringify function per route and status code when it gets ready: dozens here, most
 * for error statuses a route seldom answers, and the session routes' 200s are never used (they
 * send JSON prepared when the session changed). Profiled, that compilation was most of
 * `ready()`; compiling each serializer when its first response goes out took `ready()` from
 * about 90 ms to 30 ms. A response schema that cannot compile now fails its first response
 * (a 500) rather than the start; the tests send every response kind.
 */
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

/** A `schemaController.compilersFactory.buildSerializer` that compiles lazily. */
export function lazySerializers(): SerializerSelector.SerializerFactory {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let serialize: SerializerSelector.Serializer | undefined;
      return (doc) => (serialize ??= compile(route))(doc);
    };
  };
}

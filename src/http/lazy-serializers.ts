/**
 * Response serializers compiled on first use instead of at start. Fastify compiles one
 * fast-json-stringify function per route and status code when it gets ready, most for error
 * statuses a route seldom answers: that compilation was most of `ready()` (docs/benchmarks.md).
 * A response schema that cannot compile now fails its first response (a 500) rather than the
 * start; the tests send every response kind.
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

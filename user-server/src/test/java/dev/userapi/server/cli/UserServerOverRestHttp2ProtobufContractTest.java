package dev.userapi.server.cli;

import dev.userapi.rest.RestUserClient;

/**
 * The service contract through {@link RestUserClient} over HTTP/2 with protobuf bodies ({@code
 * application/x-protobuf}, errors as {@code google.rpc.Status}; h2c by upgrade, through the JDK's
 * HttpClient) → a running {@link UserServerCommand} (black-box): the HTTP/2 contract test's server
 * and client, with {@code protobuf(true)}.
 */
class UserServerOverRestHttp2ProtobufContractTest extends UserServerOverRestHttp2ContractTest {
  @Override
  RestUserClient.Builder client(RestUserClient.Builder builder) {
    return builder.protobuf(true);
  }
}

/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.test;

import java.nio.charset.StandardCharsets;

import dev.slotwise.test.NodeProxy.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link NodeProxy} tells a replica's replication link from a client by its first
 * commands.
 */
class NodeProxyTests {

	@Test
	void aReplicasHandshakeIsReplicationOnceItGetsPastPingAndAuth() {
		ByteBuf handshake = bytes("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n");
		assertThat(NodeProxy.roleOf(handshake)).isNull();
		handshake.writeBytes(bytes("*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$5\r\n"));
		assertThat(NodeProxy.roleOf(handshake)).as("REPLCONF not complete yet").isNull();
		handshake.writeBytes(bytes("10001\r\n"));
		assertThat(NodeProxy.roleOf(handshake)).isEqualTo(Role.REPLICATION);
	}

	@Test
	void psyncAndInlineCommandsAreRecognised() {
		assertThat(NodeProxy.roleOf(bytes("PING\r\nPSYNC ? -1\r\n"))).isEqualTo(Role.REPLICATION);
		assertThat(NodeProxy.roleOf(bytes("ping\r\nget k\r\n"))).isEqualTo(Role.CLIENT);
	}

	@Test
	void anyOtherFirstCommandIsAClient() {
		assertThat(NodeProxy.roleOf(bytes("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"))).isEqualTo(Role.CLIENT);
		assertThat(NodeProxy.roleOf(bytes("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")))
			.isEqualTo(Role.CLIENT);
		assertThat(NodeProxy.roleOf(bytes("*x\r\n"))).as("not RESP").isEqualTo(Role.CLIENT);
		assertThat(NodeProxy.roleOf(bytes("*2\r\n$5\r\nHEL"))).as("incomplete").isNull();
	}

	private static ByteBuf bytes(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
	}

}

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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on the loopback address, for the nodes of a {@link LocalRedisCluster}
 * and for test-support's other main code.
 *
 * <p>
 * A test that needs one free port (an address with nothing listening, an announced port)
 * uses Spring's {@code TestSocketUtils.findAvailableTcpPort()} instead. This class stays
 * for the nodes, for three reasons:
 * <ul>
 * <li>A cluster node needs two ports, its client port and its cluster bus port. Without
 * {@code cluster-port} a node takes port + 10000 for the bus, which
 * {@code findAvailableTcpPort()} does not check (and which does not exist above 55535).
 * {@link LocalRedisCluster} instead picks both ports here and passes the bus port as
 * {@code cluster-port}; it draws every port of one cluster into one set, so that no port
 * is handed to two nodes before they bind.</li>
 * <li>The port is asked of the kernel on {@code 127.0.0.1}, the address the nodes bind,
 * where {@code TestSocketUtils} tries random ports on whatever {@code localhost} resolves
 * to.</li>
 * <li>{@code spring-test} is an optional dependency of this module: the cluster must
 * start in a project that does not have it (plain JUnit, the JMH benchmarks).</li>
 * </ul>
 */
public final class LoopbackPorts {

	private LoopbackPorts() {
	}

	/**
	 * A port nothing listens on now on {@code 127.0.0.1} (another process may take it
	 * later; callers that bind it retry).
	 * @return the port
	 */
	public static int free() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port on 127.0.0.1", ex);
		}
	}

}

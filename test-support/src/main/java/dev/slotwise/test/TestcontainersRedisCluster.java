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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis Cluster of Docker containers, for machines with a Docker engine, behind the
 * same {@link RedisCluster} interface as {@link LocalRedisCluster}.
 *
 * <p>
 * Nodes talk to each other on a Docker network and announce their container addresses;
 * the application reaches them through published ports, so {@link #springProperties()}
 * includes {@code slotwise.cluster.address-map} entries from each container address to
 * its published port. Each container publishes on a fixed host port, kept across
 * {@link #restart(ClusterNode)}. {@link #pause(ClusterNode)} freezes a container with the
 * cgroup freezer, as SIGSTOP freezes a process.
 */
public final class TestcontainersRedisCluster extends AbstractRedisCluster {

	/** The image used unless another is given. */
	public static final DockerImageName DEFAULT_IMAGE = DockerImageName.parse("redis:7.4");

	private static final int REDIS_PORT = 6379;

	private static final int BUS_PORT = 16379;

	private final Network network = Network.newNetwork();

	private final Map<ClusterNode, GenericContainer<?>> containers = new LinkedHashMap<>();

	private TestcontainersRedisCluster(Duration awaitTimeout) {
		super(awaitTimeout);
	}

	/**
	 * Start a cluster of containers.
	 * @param image the Redis image (7.0 or later)
	 * @param masters the number of masters
	 * @param replicasPerMaster the number of replicas per master
	 * @param nodeTimeout the {@code cluster-node-timeout}
	 * @return a healthy cluster
	 */
	public static TestcontainersRedisCluster start(DockerImageName image, int masters, int replicasPerMaster,
			Duration nodeTimeout) {
		TestcontainersRedisCluster cluster = new TestcontainersRedisCluster(Duration.ofSeconds(120));
		try {
			cluster.useAdmin(new ClusterAdmin(null, null, Duration.ofSeconds(5)));
			List<ClusterNode> started = new ArrayList<>();
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				started.add(cluster.startContainer("node-" + i, image, nodeTimeout));
			}
			cluster.form(started, masters);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Start 3 masters with one replica each from {@link #DEFAULT_IMAGE}.
	 * @return a healthy cluster
	 */
	public static TestcontainersRedisCluster start() {
		return start(DEFAULT_IMAGE, 3, 1, Duration.ofSeconds(1));
	}

	@SuppressWarnings("resource")
	private ClusterNode startContainer(String name, DockerImageName image, Duration nodeTimeout) {
		int hostPort = LoopbackPorts.free();
		GenericContainer<?> container = new GenericContainer<>(image).withNetwork(this.network)
			.withNetworkAliases(name)
			.withExposedPorts(REDIS_PORT)
			.withCreateContainerCmdModifier((command) -> command.getHostConfig()
				.withPortBindings(new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(REDIS_PORT))))
			.withCommand("redis-server", "--port", String.valueOf(REDIS_PORT), "--cluster-enabled", "yes",
					"--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()),
					"--cluster-replica-validity-factor", "0", "--cluster-allow-replica-migration", "no", "--save", "",
					"--appendonly", "no", "--protected-mode", "no")
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
		container.start();
		ClusterNode probe = new ClusterNode(name, container.getHost(), hostPort, "?");
		ClusterNode node = new ClusterNode(name, container.getHost(), hostPort,
				admin().call(probe, (commands) -> commands.clusterMyId()));
		this.containers.put(node, container);
		return node;
	}

	private String containerAddress(ClusterNode node) {
		// Inspect afresh: a restarted container may have a new address on the network.
		return docker().inspectContainerCmd(containerId(node))
			.exec()
			.getNetworkSettings()
			.getNetworks()
			.values()
			.iterator()
			.next()
			.getIpAddress();
	}

	@Override
	ClusterAdmin.InternalAddress internalAddress(ClusterNode node) {
		return new ClusterAdmin.InternalAddress(containerAddress(node), REDIS_PORT, BUS_PORT);
	}

	@Override
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.cluster.nodes", nodesProperty());
		properties.put("slotwise.cluster.address-map",
				nodes().stream()
					.map((node) -> containerAddress(node) + ":" + REDIS_PORT + "=" + node.address())
					.collect(Collectors.joining(",")));
		return properties;
	}

	private DockerClient docker() {
		return DockerClientFactory.instance().client();
	}

	private String containerId(ClusterNode node) {
		return this.containers.get(node).getContainerId();
	}

	@Override
	void signalKill(ClusterNode node) {
		docker().killContainerCmd(containerId(node)).withSignal("KILL").exec();
	}

	@Override
	void signalPause(ClusterNode node) {
		docker().pauseContainerCmd(containerId(node)).exec();
	}

	@Override
	void signalResume(ClusterNode node) {
		docker().unpauseContainerCmd(containerId(node)).exec();
	}

	@Override
	void startAgain(ClusterNode node) {
		docker().startContainerCmd(containerId(node)).exec();
		await(node + " to answer again", () -> admin().answers(node) ? java.util.Optional.empty()
				: java.util.Optional.of(node + " does not answer PING"));
	}

	@Override
	public void close() {
		try {
			this.containers.values().forEach(GenericContainer::stop);
			this.network.close();
		}
		finally {
			super.close();
		}
	}

}

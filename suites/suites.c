/* Every suite the runner walks, in report order. */
#include "vc/clause.h"

extern const struct vc_suite suite_pci_discovery, suite_pci_caps, suite_common_cfg, suite_features,
	suite_notify, suite_isr, suite_device_cfg, suite_pci_cfg_access, suite_shm, suite_vendor_data,
	suite_msix;
extern const struct vc_suite suite_virtqueue_split, suite_virtqueue_packed;
extern const struct vc_suite suite_status, suite_reset, suite_config_generation;
extern const struct vc_suite suite_notifications;
extern const struct vc_suite suite_queue_cfg, suite_queue_reset;
extern const struct vc_suite suite_suspend, suite_admin_vq;
extern const struct vc_suite suite_entropy_request;
extern const struct vc_suite suite_pmem_config, suite_pmem_flush;
extern const struct vc_suite suite_input_config, suite_input_events;
extern const struct vc_suite suite_console_emergency, suite_console_multiport;
extern const struct vc_suite suite_balloon_stats, suite_balloon_hinting, suite_balloon_reporting;
extern const struct vc_suite suite_scsi_config, suite_scsi_requests, suite_scsi_events;
extern const struct vc_suite suite_gpu_shm, suite_gpu_fence;
extern const struct vc_suite suite_vsock_features, suite_vsock_flow;
extern const struct vc_suite suite_iommu_config, suite_iommu_requests, suite_iommu_attach, suite_iommu_mappings,
	suite_iommu_probe, suite_iommu_faults, suite_iommu_probes;
extern const struct vc_suite suite_mem_config, suite_mem_blocks, suite_mem_changes, suite_mem_state;
extern const struct vc_suite suite_blk_features, suite_blk_config, suite_blk_requests, suite_blk_zoned_config,
	suite_blk_zoned_ops, suite_blk_sanity, suite_blk_mq, suite_blk_probes;
extern const struct vc_suite suite_net_config, suite_net_features, suite_net_receive, suite_net_transmit,
	suite_net_filter, suite_net_link, suite_net_rx_gso, suite_net_rx_csum, suite_net_rx_tunnel,
	suite_net_mq, suite_net_hash, suite_net_ctrl, suite_net_probes;
extern const struct vc_suite suite_net_ff, suite_net_ff_steer, suite_net_ipsec, suite_crypto_ipsec;
extern const struct vc_suite suite_crypto_config, suite_crypto_sessions, suite_crypto_cipher, suite_crypto_hash_mac,
	suite_crypto_aead, suite_crypto_akcipher, suite_crypto_stateless;
extern const struct vc_suite suite_fs_requests, suite_fs_dax;
extern const struct vc_suite suite_rtc_control, suite_rtc_read, suite_rtc_cross, suite_rtc_alarm, suite_rtc_leap,
	suite_rtc_probes;
extern const struct vc_suite suite_rpmb_keyless, suite_rpmb_key, suite_rpmb_auth;
extern const struct vc_suite suite_gpio_requests, suite_gpio_irq;
extern const struct vc_suite suite_sound_info, suite_sound_pcm, suite_sound_ctl;
extern const struct vc_suite suite_i2c_requests;
extern const struct vc_suite suite_scmi_features, suite_scmi_cmdq, suite_scmi_eventq, suite_scmi_shm, suite_scmi_probes;
extern const struct vc_suite suite_spi_requests, suite_spi_probes;
extern const struct vc_suite suite_can_transmit, suite_can_sanity;
extern const struct vc_suite suite_media_sessions, suite_media_ioctls, suite_media_memory;
extern const struct vc_suite suite_probes;   /* robustness, last: a probe may leave a device wedged */
extern const struct vc_suite suite_probe_addresses, suite_probe_chains, suite_probe_indirect,
	suite_probe_rings, suite_probe_queue_config, suite_probe_status,
	suite_probe_msix, suite_probe_pcicfg, suite_probe_isr, suite_probe_requests;

/* Run order: what needs config space only, then the device reset every
 * other driving clause relies on (a device whose reset fails stops the run
 * there, with the verdict on the reset clause), then the rest. */
const struct vc_suite *const vc_suites[] = {
	&suite_pci_discovery, &suite_pci_caps, &suite_reset, &suite_common_cfg, &suite_queue_cfg, &suite_queue_reset,
	&suite_features, &suite_notify, &suite_notifications, &suite_isr, &suite_device_cfg, &suite_config_generation,
	&suite_pci_cfg_access, &suite_status, &suite_shm, &suite_vendor_data, &suite_msix, &suite_virtqueue_split,
	&suite_virtqueue_packed, &suite_suspend, &suite_admin_vq,
	&suite_entropy_request,
	&suite_pmem_config, &suite_pmem_flush,
	&suite_input_config, &suite_input_events,
	&suite_console_emergency, &suite_console_multiport,
	&suite_balloon_stats, &suite_balloon_hinting, &suite_balloon_reporting,
	&suite_scsi_config, &suite_scsi_requests, &suite_scsi_events,
	&suite_gpu_shm, &suite_gpu_fence,
	&suite_vsock_features, &suite_vsock_flow,
	&suite_net_config, &suite_net_features, &suite_net_receive, &suite_net_transmit, &suite_net_filter,
	&suite_net_link, &suite_net_rx_gso, &suite_net_rx_csum, &suite_net_rx_tunnel,
	&suite_net_mq, &suite_net_hash, &suite_net_ctrl,
	&suite_net_ff, &suite_net_ff_steer, &suite_net_ipsec,
	&suite_iommu_config, &suite_iommu_requests, &suite_iommu_attach, &suite_iommu_mappings, &suite_iommu_probe, &suite_iommu_faults,
	&suite_mem_config, &suite_mem_blocks, &suite_mem_changes, &suite_mem_state,
	&suite_blk_features, &suite_blk_config, &suite_blk_requests, &suite_blk_zoned_config, &suite_blk_zoned_ops,
	&suite_blk_mq, &suite_blk_sanity,
	&suite_crypto_config, &suite_crypto_sessions, &suite_crypto_cipher, &suite_crypto_hash_mac, &suite_crypto_aead,
	&suite_crypto_akcipher, &suite_crypto_stateless, &suite_crypto_ipsec,
	&suite_fs_requests, &suite_fs_dax,
	&suite_rtc_control, &suite_rtc_read, &suite_rtc_cross, &suite_rtc_alarm, &suite_rtc_leap,
	&suite_rpmb_keyless, &suite_rpmb_key, &suite_rpmb_auth,
	&suite_gpio_requests, &suite_gpio_irq,
	&suite_sound_info, &suite_sound_pcm, &suite_sound_ctl,
	&suite_i2c_requests,
	&suite_scmi_features, &suite_scmi_cmdq, &suite_scmi_eventq, &suite_scmi_shm,
	&suite_spi_requests,
	&suite_can_transmit, &suite_can_sanity,
	&suite_media_sessions, &suite_media_ioctls, &suite_media_memory,
	&suite_spi_probes,
	&suite_blk_probes, &suite_probes, &suite_iommu_probes, &suite_net_probes,
	&suite_scmi_probes, &suite_rtc_probes,
	&suite_probe_chains, &suite_probe_addresses, &suite_probe_indirect, &suite_probe_rings, &suite_probe_queue_config,
	&suite_probe_status, &suite_probe_msix, &suite_probe_pcicfg, &suite_probe_isr, &suite_probe_requests,
	NULL,
};

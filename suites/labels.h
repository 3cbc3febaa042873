/* The spec's normative labels (virtio 1.4), as the suites cite them. */
#ifndef VC_LABELS_H
#define VC_LABELS_H

#define L_PCI "Virtio Transport Options / Virtio Over PCI Bus"
#define L_DISCOVERY L_PCI " / PCI Device Discovery"
#define L_DISCOVERY_LEGACY L_DISCOVERY " / Legacy Interfaces: A Note on PCI Device Discovery"
#define L_CAPS L_PCI " / Virtio Structure PCI Capabilities"
#define L_LAYOUT L_PCI " / PCI Device Layout"
#define L_LAYOUT_LEGACY L_LAYOUT " / Legacy Interfaces: A Note on PCI Device Layout"
#define L_COMMON L_LAYOUT " / Common configuration structure layout"
#define L_NOTIFY L_LAYOUT " / Notification capability"
#define L_ISR L_LAYOUT " / ISR status capability"
#define L_DEVCFG L_LAYOUT " / Device-specific configuration"
#define L_SHM L_LAYOUT " / Shared memory capability"
#define L_VENDOR L_LAYOUT " / Vendor data capability"
#define L_CFGACC L_LAYOUT " / PCI configuration access capability"
#define L_AVAILNOTIF L_PCI " / PCI-specific Initialization And Device Operation / Available Buffer Notifications"
#define L_DRIVER_NOTIF "Basic Facilities of a Virtio Device / Driver notifications"
/* the driver block's label as the spec spells it (sic) */
#define L_PACKED_DESC_DRV "Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table"
/* Never standardised: the January 2020 "flexible driver notification" draft */
#define L_NOTIFY_DRAFT "Draft (2020): virtio-net: Add support for the flexible driver notification"
#define L_MSIX L_PCI " / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration"
#define L_FEATURES "Basic Facilities of a Virtio Device / Feature Bits"
#define L_RFB "Reserved Feature Bits"
#define L_RFB_LEGACY L_RFB " / Legacy Interface: Reserved Feature Bits"
#define L_BASIC "Basic Facilities of a Virtio Device"
#define L_STATUS L_BASIC " / Device Status Field"
#define L_RESET L_BASIC " / Device Reset"
#define L_CFGSPACE L_BASIC " / Device Configuration Space"
#define L_FRAMING L_BASIC " / Message Framing"
#define L_VQ L_BASIC " / Virtqueues"
#define L_DESC_TABLE L_VQ " / The Virtqueue Descriptor Table"
#define L_INDIRECT L_DESC_TABLE " / Indirect Descriptors"
#define L_USED_SUPPRESS L_VQ " / Used Buffer Notification Suppression"
#define L_USED_RING L_VQ " / The Virtqueue Used Ring"
#define L_AVAIL_SUPPRESS L_VQ " / Available Buffer Notification Suppression"
#define L_PACKED L_BASIC " / Packed Virtqueues"
#define L_PACKED_DESC L_PACKED " / The Virtqueue Descriptor Table"
#define L_PACKED_SG L_PACKED " / Scatter-Gather Support"


#endif
